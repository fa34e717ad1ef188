import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startChildServer, type ChildServer } from "../testing/childServer"
import { createTestDatabase, type TestDatabase } from "../testing/postgresDatabase"
import { storageEngines } from "../testing/testServer"
import { newUser, openSession, setDeliveryToken } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

const decoder = new TextDecoder()

describe.each(storageEngines)("[D2] durability across a crash on %s", (storage) => {
  const dataDir = mkdtempSync(join(tmpdir(), "kith-durability-"))
  let database: TestDatabase | undefined
  let env: Record<string, string> = {}
  let server: ChildServer | undefined
  beforeAll(async () => {
    if (storage === "postgres") {
      database = await createTestDatabase()
      env = { KITH_DATABASE_URL: database.url }
    }
  })
  afterAll(async () => {
    await server?.stop()
    await database?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it("delivers every message it said Ok to exactly once after kill -9 and a restart", async () => {
    server = await startChildServer(dataDir, env)
    const bob = await newUser(server.url)
    const token = await setDeliveryToken(server.url, bob)

    // Bob reads and acknowledges the first few, so the restart must not bring those back either.
    const sender = await TestSocket.connect(server.url)
    for (let i = 0; i < 5; i++) {
      await sender.request({
        case: "send",
        value: { deliveries: [delivery(payload(i), [to(bob.device, token)])] as never },
      })
    }
    const reader = await TestSocket.connect(server.url)
    await reader.authenticate(bob.token)
    await reader.waitForEntries(5)
    await reader.request({ case: "ack", value: { seqs: reader.entries().map((e) => e.seq) } })

    // A burst of sends in flight; the process dies in the middle of it.
    const accepted: string[] = []
    const total = 300
    const inFlight = Array.from({ length: total }, (_, k) => {
      const n = 5 + k
      return sender
        .request({
          case: "send",
          value: { deliveries: [delivery(payload(n), [to(bob.device, token)])] as never },
        })
        .then((reply) => {
          if (reply.body.case === "ok") accepted.push(decoder.decode(payload(n)))
          if (accepted.length === total / 2) void server!.crash()
        })
        .catch(() => undefined) // no answer: the crash came first
    })
    await Promise.all(inFlight)
    await server.crash()
    expect(accepted.length).toBeGreaterThanOrEqual(total / 2)

    server = await startChildServer(dataDir, env)
    const again = await TestSocket.connect(server.url)
    expect(bodyOf(await again.authenticate(await openSession(server.url, bob.device)), "ok")).toBeDefined()
    await again.waitFor(() => again.caughtUp(), "CaughtUp")
    const entries = again.entries()
    const seqs = entries.map((e) => e.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    const received = entries.map((e) => decoder.decode(e.payload))
    expect(new Set(received).size).toBe(received.length)
    for (const text of accepted) expect(received).toContain(text)
    for (let i = 0; i < 5; i++) expect(received).not.toContain(decoder.decode(payload(i)))
    await again.close()
  })

  it("loses no accepted message and brings back no acknowledged one across ten kill -9s under steady load", async () => {
    await server?.stop()
    server = await startChildServer(dataDir, env)
    const carol = await newUser(server.url)
    const token = await setDeliveryToken(server.url, carol)
    const accepted = new Set<string>() // sends the server said Ok to
    const acked = new Set<string>() // entries whose acknowledgement the server said Ok to
    const seqOf = new Map<string, bigint>()
    let received = 0
    let redelivered = 0 // entries pushed again after a crash (never acknowledged: allowed)
    const violations: string[] = []
    let n = 100_000

    const receive = (entries: { seq: bigint; payload: Uint8Array }[]) => {
      for (const { seq, payload: bytes } of entries) {
        const text = decoder.decode(bytes)
        received++
        if (acked.has(text)) violations.push(`acknowledged ${text} came back`)
        const before = seqOf.get(text)
        if (before !== undefined) {
          redelivered++
          if (before !== seq) violations.push(`${text} came back as seq ${seq}, was ${before}`)
        }
        seqOf.set(text, seq)
      }
    }

    /** One life of the server: Carol reads and acknowledges while a sender keeps 16 sends in flight. */
    const live = async (url: string, lifeMs: number) => {
      const reader = await TestSocket.connect(url)
      await reader.authenticate(await openSession(url, carol.device))
      const sender = await TestSocket.connect(url)
      let stopped = false
      const sending = Array.from({ length: 16 }, async () => {
        while (!stopped) {
          const text = decoder.decode(payload(n++))
          const reply = await sender
            .request({
              case: "send",
              value: {
                deliveries: [delivery(new TextEncoder().encode(text), [to(carol.device, token)])] as never,
              },
            })
            .catch(() => undefined) // the crash came first: not accepted
          if (reply === undefined) return
          if (reply.body.case === "ok") accepted.add(text)
        }
      })
      const reading = (async () => {
        let seen = 0
        while (!stopped) {
          await new Promise((r) => setTimeout(r, 20))
          const entries = reader.entries().slice(seen)
          if (entries.length === 0) continue
          seen += entries.length
          receive(entries)
          const reply = await reader
            .request({ case: "ack", value: { seqs: entries.map((e) => e.seq) } })
            .catch(() => undefined)
          if (reply?.body.case !== "ok") return
          for (const e of entries) acked.add(decoder.decode(e.payload))
        }
      })()
      await new Promise((r) => setTimeout(r, lifeMs))
      stopped = true
      await server!.crash()
      await Promise.all([...sending, reading])
    }

    for (let crash = 0; crash < 10; crash++) {
      if (crash > 0) server = await startChildServer(dataDir, env)
      await live(server.url, 150 + Math.random() * 600)
    }

    // After the last restart, everything still queued comes in once.
    server = await startChildServer(dataDir, env)
    const drain = await TestSocket.connect(server.url)
    await drain.authenticate(await openSession(server.url, carol.device))
    await drain.waitFor(() => drain.caughtUp(), "CaughtUp")
    // Acknowledged entries make room for more: read until nothing new comes for a second.
    for (let seen = 0, quietSince = Date.now(); Date.now() - quietSince < 1000;) {
      const entries = drain.entries().slice(seen)
      if (entries.length === 0) {
        await new Promise((r) => setTimeout(r, 50))
        continue
      }
      seen += entries.length
      receive(entries)
      await drain.request({ case: "ack", value: { seqs: entries.map((e) => e.seq) } })
      for (const e of entries) acked.add(decoder.decode(e.payload))
      quietSince = Date.now()
    }
    await drain.close()

    const missing = [...accepted].filter((text) => !seqOf.has(text))
    console.log(
      `${storage}: 10 kill -9s, ${accepted.size} sends accepted, ${received} entries received ` +
        `(${redelivered} pushed again after a crash before their acknowledgement), ${missing.length} missing`,
    )
    expect(accepted.size).toBeGreaterThan(100)
    expect(missing).toEqual([])
    expect(violations).toEqual([])
  }, 240_000) // eleven server starts on a busy machine; the limit only catches a hang
})
