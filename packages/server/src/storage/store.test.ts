import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import pg from "pg"
import { ErrorCode } from "@kith/protocol"
import type { Store } from "./store"
import { openSqliteStore } from "./sqlite"
import { openPostgresStore } from "./postgres"
import { createTestDatabase, type TestDatabase } from "../testing/postgresDatabase"
import { storageEngines, type StorageEngine } from "../testing/testServer"
import { newId } from "../ids"

/**
 * The Store contract, on every engine: what the HTTP and WebSocket layers
 * rely on, including what must hold when many writers race (on PostgreSQL,
 * truly concurrent transactions over a connection pool).
 */
async function openStore(engine: StorageEngine): Promise<{ store: Store; close(): Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "kith-store-"))
    const store = await openSqliteStore(dir)
    return { store, close: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) }
  }
  const db = await createTestDatabase()
  const store = await openPostgresStore({ url: db.url })
  return { store, close: async () => (await store.close(), await db.drop()) }
}

const bytes = (...values: number[]) => new Uint8Array(values)
const later = () => Date.now() + 3_600_000
const shuffled = <T>(items: T[]) => [...items].sort(() => Math.random() - 0.5)

describe.each(storageEngines)("the store on %s", (engine) => {
  let store: Store
  let close: () => Promise<void>
  beforeAll(async () => ({ store, close } = await openStore(engine)))
  afterAll(() => close())

  async function account(deviceCount = 1): Promise<{ accountId: string; deviceIds: string[] }> {
    const accountId = newId()
    expect(await store.accounts.create(accountId, crypto.getRandomValues(new Uint8Array(32)))).toBe("created")
    const deviceIds: string[] = []
    for (let i = 0; i < deviceCount; i++) {
      const id = newId()
      const device = { id, accountId, publicKey: new Uint8Array(32), certificate: bytes(1), lastSeenDay: 1 }
      expect(await store.devices.add(device, 16)).toBe("created")
      deviceIds.push(id)
    }
    return { accountId, deviceIds }
  }

  it("registers a public key once and finds accounts by key and username hash", async () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const id = newId()
    expect(await store.accounts.create(id, key)).toBe("created")
    expect(await store.accounts.create(newId(), key)).toBe("duplicateKey")
    expect(await store.accounts.findByPublicKey(key)).toBe(id)
    const other = await account()
    const hash = crypto.getRandomValues(new Uint8Array(32))
    expect(await store.accounts.setUsernameHash(id, hash)).toBe("ok")
    expect(await store.accounts.setUsernameHash(other.accountId, hash)).toBe("taken")
    expect(await store.accounts.findByUsernameHash(hash)).toBe(id)
    await store.accounts.setProfile(id, bytes(1, 2, 3))
    expect(await store.accounts.getProfile(id)).toEqual(bytes(1, 2, 3))
    expect(await store.accounts.getProfile(other.accountId)).toBeNull()
  })

  it("never lets an account pass its device limit, even when adds race", async () => {
    const { accountId } = await account(0)
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.devices.add(
          { id: newId(), accountId, publicKey: new Uint8Array(32), certificate: bytes(1), lastSeenDay: 1 },
          16,
        ),
      ),
    )
    expect(results.filter((r) => r === "created")).toHaveLength(16)
    expect(results.filter((r) => r === "tooMany")).toHaveLength(4)
    expect(await store.devices.listByAccount(accountId)).toHaveLength(16)
  })

  it("gives every recipient gap-free sequence numbers when deliveries to the same devices race in any order", async () => {
    const { deviceIds } = await account(5)
    const rounds = 40
    await Promise.all(
      Array.from({ length: rounds }, (_, i) =>
        store.mailboxes.deliver(
          // Frames of one payload and of several: engines may store them differently.
          i % 2 === 0
            ? [{ payload: bytes(i, 0), deviceIds: shuffled(deviceIds) }]
            : [
                { payload: bytes(i, 0), deviceIds: shuffled(deviceIds).slice(0, 3) },
                { payload: bytes(i, 1), deviceIds: shuffled(deviceIds) },
              ],
          later(),
        ),
      ),
    )
    for (const deviceId of deviceIds) {
      const entries = await store.mailboxes.fetch(deviceId, 0, 1000, Date.now())
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1))
      expect(await store.mailboxes.lastSeq(deviceId)).toBe(entries.length)
    }
  })

  it("stores a payload once, reports unknown recipients, and deletes it with its last acknowledgement", async () => {
    const { deviceIds } = await account(2)
    const stranger = newId()
    const result = await store.mailboxes.deliver(
      [{ payload: bytes(7, 7), deviceIds: [...deviceIds, stranger] }],
      later(),
    )
    expect(result).toMatchObject({ unknown: [stranger], entries: 2 })
    expect(new Set(result.delivered)).toEqual(new Set(deviceIds))
    const [first, second] = deviceIds as [string, string]
    const [entry] = await store.mailboxes.fetch(first, 0, 10, Date.now())
    expect(entry?.payload).toEqual(bytes(7, 7))
    expect(await store.mailboxes.ack(first, [entry!.seq])).toBe(1)
    expect(await store.mailboxes.ack(first, [entry!.seq])).toBe(0)
    expect((await store.mailboxes.fetch(second, 0, 10, Date.now()))[0]?.payload).toEqual(bytes(7, 7))
    await store.mailboxes.ack(second, [1])
    expect(await store.sweepExpired(Date.now())).toMatchObject({ ciphertexts: 0 })
  })

  it("deletes a ciphertext exactly when the last of its recipients acknowledges, however the acks race", async () => {
    const { deviceIds } = await account(6)
    for (let i = 0; i < 10; i++)
      await store.mailboxes.deliver([{ payload: bytes(50, i), deviceIds }], later())
    const seqs = await Promise.all(
      deviceIds.map(async (id) => (await store.mailboxes.fetch(id, 0, 100, Date.now())).map((e) => e.seq)),
    )
    // Every device acknowledges its entries one by one, all devices at once.
    await Promise.all(
      deviceIds.map(async (id, d) => {
        for (const seq of seqs[d]!) await store.mailboxes.ack(id, [seq])
      }),
    )
    for (const id of deviceIds) expect(await store.mailboxes.fetch(id, 0, 100, Date.now())).toEqual([])
    // Nothing was left for the sweep: each ciphertext went with its last entry.
    expect(await store.sweepExpired(Date.now())).toMatchObject({ ciphertexts: 0 })
  })

  it("accepts exactly one of many commits racing for the same epoch; the rest learn the new epoch", async () => {
    const { deviceIds } = await account(2)
    const groupId = newId()
    const racers = 12
    const results = await Promise.all(
      Array.from({ length: racers }, (_, i) =>
        store.mailboxes.submitCommit(groupId, 0, [{ payload: bytes(i), deviceIds }], later(), 1),
      ),
    )
    expect(results.filter((r) => r.kind === "accepted")).toHaveLength(1)
    expect(results.filter((r) => r.kind === "conflict")).toEqual(
      Array.from({ length: racers - 1 }, () => ({ kind: "conflict", currentEpoch: 1 })),
    )
    // Only the winner's delivery was stored.
    expect(await store.mailboxes.fetch(deviceIds[0]!, 0, 100, Date.now())).toHaveLength(1)
    const next = await store.mailboxes.submitCommit(
      groupId,
      1,
      [{ payload: bytes(1), deviceIds }],
      later(),
      1,
    )
    expect(next.kind).toBe("accepted")
  })

  it("reads every entry in order whichever way it was stored, sends and commits interleaved and racing", async () => {
    const { deviceIds } = await account(1)
    const [device] = deviceIds as [string]
    const groupId = newId()
    const pushed: number[] = []
    const pushNew = async () => {
      const entries = await store.mailboxes.fetch(device, pushed.at(-1) ?? 0, 100, Date.now())
      pushed.push(...entries.map((e) => e.seq))
    }
    await store.mailboxes.deliver([{ payload: bytes(1), deviceIds }], later())
    await pushNew()
    // A commit stores through another path, right after everything was pushed.
    await store.mailboxes.submitCommit(groupId, 0, [{ payload: bytes(2), deviceIds }], later(), 1)
    await pushNew()
    expect(pushed).toEqual([1, 2])
    await Promise.all([
      store.mailboxes.deliver([{ payload: bytes(3), deviceIds }], later()),
      store.mailboxes.submitCommit(groupId, 1, [{ payload: bytes(4), deviceIds }], later(), 1),
      store.mailboxes.deliver([{ payload: bytes(5), deviceIds }], later()),
    ])
    await store.mailboxes.ack(device, pushed)
    await pushNew()
    expect(pushed).toEqual([1, 2, 3, 4, 5])
  })

  it("hands each one-time key package to exactly one of racing claims, then the last-resort one", async () => {
    const { deviceIds } = await account(1)
    const device = deviceIds[0]!
    const oneTime = Array.from({ length: 5 }, (_, i) => bytes(10 + i))
    expect(await store.keyPackages.upload(device, oneTime, bytes(99), 200)).toBe("ok")
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.keyPackages.claim([device])))
    const handed = claims.map((c) => c[0]!.keyPackage[0])
    expect(handed.filter((b) => b !== 99).sort()).toEqual([10, 11, 12, 13, 14])
    expect(handed.filter((b) => b === 99)).toHaveLength(3)
    expect(await store.keyPackages.count(device)).toEqual({ count: 0, hasLastResort: true })
  })

  it("deletes an account with its devices, packages, mail and the ciphertexts only they needed", async () => {
    const leaving = await account(2)
    const staying = await account(1)
    await store.keyPackages.upload(leaving.deviceIds[0]!, [bytes(1)], undefined, 200)
    await store.mailboxes.deliver(
      [{ payload: bytes(5), deviceIds: [...leaving.deviceIds, ...staying.deviceIds] }],
      later(),
    )
    await store.mailboxes.deliver([{ payload: bytes(6), deviceIds: leaving.deviceIds }], later())
    expect(new Set(await store.accounts.delete(leaving.accountId))).toEqual(new Set(leaving.deviceIds))
    expect(await store.accounts.get(leaving.accountId)).toBeUndefined()
    expect(await store.devices.get(leaving.deviceIds[0]!)).toBeUndefined()
    expect(await store.mailboxes.fetch(leaving.deviceIds[0]!, 0, 10, Date.now())).toEqual([])
    expect((await store.mailboxes.fetch(staying.deviceIds[0]!, 0, 10, Date.now()))[0]?.payload).toEqual(
      bytes(5),
    )
  })

  it("agrees on one server secret however many nodes ask for it at once", async () => {
    const values = await Promise.all(
      Array.from({ length: 6 }, () =>
        store.secrets.getOrCreate("race-secret", () => crypto.getRandomValues(new Uint8Array(32))),
      ),
    )
    for (const value of values) expect(value).toEqual(values[0])
  })
})

describe("the PostgreSQL store when the database drops its connections", () => {
  let db: TestDatabase
  let store: Store
  const away: unknown[] = []
  beforeAll(async () => {
    db = await createTestDatabase()
    store = await openPostgresStore({
      url: db.url,
      onAway: (e) => away.push(e),
      onPoolError: () => undefined,
    })
  })
  afterAll(async () => {
    await store.close()
    await db.drop()
  })

  it("answers KITH_ERR_UNAVAILABLE (retryable) for the request caught by it, then serves again by itself", async () => {
    const accountId = newId()
    await store.accounts.create(accountId, crypto.getRandomValues(new Uint8Array(32)))
    // Hold the request inside the database (behind a table lock), then end every other
    // session of the database — what a PostgreSQL restart does to a node's pool.
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    try {
      await admin.query("begin")
      await admin.query("lock table accounts in access exclusive mode")
      const caught = store.accounts.get(accountId)
      caught.catch(() => undefined)
      for (let i = 0; i < 100; i++) {
        const waiting = await admin.query(
          "select 1 from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'",
          [db.name],
        )
        if (waiting.rowCount! > 0) break
        await new Promise((r) => setTimeout(r, 20))
      }
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [db.name],
      )
      await expect(caught).rejects.toMatchObject({ code: ErrorCode.Unavailable, retryable: true })
      await admin.query("rollback")
    } finally {
      await admin.end()
    }
    expect(away.length).toBeGreaterThan(0)
    expect((await store.accounts.get(accountId))?.id).toBe(accountId)
  })
})
