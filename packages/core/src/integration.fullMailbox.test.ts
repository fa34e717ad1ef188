import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { newUser, nextEvent, startTestServer, type TestServer } from "./node/testHarness"
import type { KithClient } from "./client"
import { MemoryStore } from "./store"

let server: TestServer
const clients: KithClient[] = []
// A tiny mailbox cap, so a member who stays offline fills theirs within a few messages.
beforeAll(async () => {
  server = await startTestServer({ abuse: { maxQueuedPerMailbox: 4 } })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server.close()
})
async function user(name: string, store = new MemoryStore()): Promise<KithClient> {
  const client = await newUser(server, name, { store })
  clients.push(client)
  return client
}

async function syncAll(...all: KithClient[]) {
  for (let i = 0; i < 2; i++) for (const c of all) await c.sync()
}

describe("a member whose mailbox is full ([D4])", () => {
  it("does not stop the group: the others receive every message and the sender sees who missed it", async () => {
    const aliceStore = new MemoryStore()
    const alice = await user("Alice", aliceStore)
    const bob = await user("Bob")
    const carol = await user("Carol")
    for (const friend of [bob, carol]) {
      const requested = nextEvent(friend, "friend-request")
      const { conversationId } = await alice.sendFriendRequest(friend.username!, "hi")
      await requested
      const accepted = nextEvent(alice, "friend-accepted", (e) => e.accountId === friend.accountId)
      await friend.acceptFriendRequest(conversationId)
      await accepted
    }
    const joined = [bob, carol].map((c) => nextEvent(c, "conversation-added"))
    const group = await alice.createGroup("hikers", [bob.accountId, carol.accountId])
    await Promise.all(joined)
    await syncAll(alice, bob, carol)

    // Carol goes offline and stays away; her mailbox fills while Alice keeps writing.
    await carol.close()
    const unreachable = nextEvent(alice, "recipients-unreachable", (e) => e.conversationId === group.id)
    const texts = Array.from({ length: 8 }, (_, i) => `message ${i + 1}`)
    const bobGot = new Set<string>()
    const bobHasAll = new Promise<void>((resolve) => {
      const off = bob.on((e) => {
        if (e.type !== "message" || e.conversationId !== group.id) return
        bobGot.add(e.message.body)
        if (texts.every((t) => bobGot.has(t))) {
          off()
          resolve()
        }
      })
    })
    const sent: string[] = []
    for (const text of texts) sent.push((await alice.sendText(group.id, text)).id)
    await alice.sync()

    const event = await unreachable
    expect(event.unreachable).toEqual([{ accountId: carol.accountId, deviceIds: [carol.deviceId] }])
    expect(sent).toContain(event.messageId)
    await bobHasAll

    // The message view says so too, and none of Alice's messages failed.
    const views = await alice.messages(group.id)
    const missed = views.find((m) => m.id === event.messageId)!
    expect(missed.unreachable).toEqual(event.unreachable)
    expect(views.filter((m) => sent.includes(m.id)).every((m) => m.outbox === undefined)).toBe(true)
    expect(views.find((m) => m.id === sent[0])!.unreachable).toBeUndefined()

    // Deleting the message for herself leaves no note that it missed a device of Carol's.
    const notes = () => aliceStore.list(`unreachable/${group.id}/${event.messageId}`)
    expect(await notes()).toHaveLength(1)
    await alice.deleteForMe(group.id, [event.messageId!])
    expect(await notes()).toHaveLength(0)
  })
})
