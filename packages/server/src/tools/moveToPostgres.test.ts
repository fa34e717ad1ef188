import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../testing/testServer"
import { createTestDatabase, type TestDatabase } from "../testing/postgresDatabase"
import { call } from "../testing/httpClient"
import { newUser, openSession, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { makeKeyPackages } from "../testing/keyPackages"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

const packageDir = fileURLToPath(new URL("../..", import.meta.url))
const decoder = new TextDecoder()

function run(tool: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", `src/tools/${tool}.ts`, ...args], {
    cwd: packageDir,
    encoding: "utf8",
  })
  return { status: result.status, out: result.stdout + result.stderr }
}

const dataDir = mkdtempSync(join(tmpdir(), "kith-move-"))
let database: TestDatabase
let alice: TestUser
let bob: TestUser
const groupId = randomBytes(16)

beforeAll(async () => {
  // A single-node deployment with some history: accounts, a username, mail waiting, a group, key packages.
  const before = await startTestServer({ dataDir })
  try {
    alice = await newUser(before.url)
    bob = await newUser(before.url)
    const token = await setDeliveryToken(before.url, bob)
    await call(before.url, "claimUsername", { token: bob.token, body: { username: "moving_bob" } })
    await call(before.url, "uploadKeyPackages", {
      token: bob.token,
      body: { keyPackages: await makeKeyPackages(bob.device, 2) },
    })
    const socket = await TestSocket.connect(before.url)
    for (const n of [1, 2]) {
      await socket.request({
        case: "send",
        value: { deliveries: [delivery(payload(n), [to(bob.device, token)])] as never },
      })
    }
    await socket.request({
      case: "submitCommit",
      value: { groupId, epoch: 0n, deliveries: [delivery(payload(3), [to(bob.device, token)])] as never },
    })
    await socket.close()
  } finally {
    await before.close()
  }
  database = await createTestDatabase()
})
afterAll(async () => {
  await database?.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe("moving a deployment from SQLite to PostgreSQL", () => {
  it("npm run migrate brings an empty PostgreSQL database to the latest schema, and says so", () => {
    const first = run("migrate", "--database-url", database.url)
    expect(first.status, first.out).toBe(0)
    expect(first.out).toContain("0001_initial: Success")
    const again = run("migrate", "--database-url", database.url)
    expect(again.status).toBe(0)
    expect(again.out).toContain("nothing to do")
  })

  it("npm run move-to-postgres copies every table once, and refuses to copy into data", () => {
    const moved = run("moveToPostgres", "--data-dir", dataDir, "--database-url", database.url)
    expect(moved.status, moved.out).toBe(0)
    expect(moved.out).toMatch(/accounts\s+2 rows/)
    expect(moved.out).toMatch(/mailbox_entries\s+3 rows/)
    const twice = run("moveToPostgres", "--data-dir", dataDir, "--database-url", database.url)
    expect(twice.status).toBe(1)
    expect(twice.out).toContain("refusing")
  })

  it("a node on PostgreSQL then serves the same people: sessions, waiting mail, usernames, epochs, key packages", async () => {
    const after: TestServer = await startTestServer({ databaseUrl: database.url })
    try {
      const token = await openSession(after.url, bob.device)
      const socket = await TestSocket.connect(after.url)
      await socket.authenticate(token)
      await socket.waitFor(() => socket.caughtUp(), "CaughtUp")
      expect(socket.entries().map((e) => decoder.decode(e.payload))).toEqual(
        [1, 2, 3].map((n) => decoder.decode(payload(n))),
      )
      const aliceToken = await openSession(after.url, alice.device)
      const found = await call(after.url, "lookupUsername", {
        token: aliceToken,
        params: { username: "moving_bob" },
      })
      expect(found.body).toEqual({ accountId: bob.account.accountId })
      const stale = await socket.request({
        case: "submitCommit",
        value: { groupId, epoch: 0n, deliveries: [delivery(payload(4), [to(bob.device)])] as never },
      })
      expect(bodyOf(stale, "error")).toMatchObject({ code: "KITH_ERR_EPOCH_CONFLICT", currentEpoch: 1n })
      expect((await call(after.url, "keyPackageCount", { token })).body).toEqual({
        count: 2,
        hasLastResort: false,
      })
      await socket.close()
    } finally {
      await after.close()
    }
  })
})
