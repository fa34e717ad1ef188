import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { KithClient } from "./client"
import { befriend, newUser, nextEvent, startTestServer, type TestServer } from "./testing/harness.node"

let server: TestServer
const clients: KithClient[] = []

beforeAll(async () => {
  server = await startTestServer()
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server.close()
})

async function user(name: string) {
  const client = await newUser(server, name)
  clients.push(client)
  return client
}

describe("1:1 chat", () => {
  it("befriends two accounts and carries messages both ways", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const conversationId = await befriend(alice, bob)

    const toBob = nextEvent(bob, "message", (e) => e.conversationId === conversationId)
    await alice.sendText(conversationId, "hello Bob")
    const received = await toBob
    expect(received.message.body).toBe("hello Bob")
    expect(received.message.senderAccountId).toBe(alice.accountId)

    const toAlice = nextEvent(alice, "message", (e) => e.conversationId === conversationId)
    await bob.sendText(conversationId, "hi Alice", { replyTo: received.message.id })
    const reply = await toAlice
    expect(reply.message.body).toBe("hi Alice")
    expect(reply.message.replyTo).toBe(received.message.id)

    expect((await alice.friends()).map((f) => f.accountId)).toEqual([bob.accountId])
    expect((await bob.friends()).map((f) => f.accountId)).toEqual([alice.accountId])
    const [aliceView] = (await alice.conversations()).filter((c) => c.id === conversationId)
    expect(aliceView!.kind).toBe("direct")
    expect(aliceView!.members.map((m) => m.accountId).sort()).toEqual([alice.accountId, bob.accountId].sort())
    expect((await bob.messages(conversationId)).map((m) => m.body)).toEqual(["hello Bob", "hi Alice"])
  })
})
