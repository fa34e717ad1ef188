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
})
