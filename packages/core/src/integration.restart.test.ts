import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { KithClient } from "./client"
import { befriend, newUser, nextEvent, startTestServer, type TestServer } from "./node/testHarness"

let server: TestServer
const clients: KithClient[] = []

beforeAll(async () => {
  server = await startTestServer()
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server.close()
})

describe("a server restart", () => {
  it("is ridden out: clients reconnect, open new sessions, and what was queued goes out", async () => {
    const alice = await newUser(server, "Alice")
    const bob = await newUser(server, "Bob")
    clients.push(alice, bob)
    const conversationId = await befriend(alice, bob)
    const offline = nextEvent(alice, "connection", (e) => !e.online)
    await server.restart()
    await offline
    // Written while the server is away: it waits in the outbox.
    const sent = await alice.sendText(conversationId, "sent during the restart")
    const got = nextEvent(bob, "message", (e) => e.message.id === sent.id)
    expect((await got).message.body).toBe("sent during the restart")
    // Sessions were forgotten; HTTP calls re-open them.
    expect(await bob.profileOf(alice.accountId)).toEqual({ displayName: "Alice" })
    const back = nextEvent(alice, "message")
    await bob.sendText(conversationId, "and back")
    expect((await back).message.body).toBe("and back")
  })
})
