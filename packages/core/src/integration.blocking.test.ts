import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { KithClient } from "./client"
import { nodeWebSocket } from "./node/nodeWebSocket"
import { MemoryStore } from "./store"
import type { KithEvent } from "./events"
import { befriend, nextEvent, testKeyPackages } from "./node/testHarness"

/** [T10] A block holds on every path a blocked account can use to reach the blocker, on the device alone. */
const setup = serverForFile()
const { user } = setup

function collect(client: KithClient): KithEvent[] {
  const seen: KithEvent[] = []
  client.on((e) => seen.push(e))
  return seen
}

const texts = async (client: KithClient, conversationId: string) =>
  (await client.messages(conversationId)).filter((m) => m.kind === "text").map((m) => m.body)

describe("blocking", () => {
  it("drops a blocked stranger's friend request silently; the sender cannot tell", async () => {
    const bob = await user("Bob")
    const mallory = await user("Mallory")
    await bob.setBlocked(mallory.accountId, true)
    expect(bob.blockedAccounts()).toEqual([mallory.accountId])
    const seen = collect(bob)
    const { conversationId } = await mallory.sendFriendRequest(bob.username!, "let me in")
    await bob.sync()
    expect(seen.filter((e) => e.type === "friend-request" || e.type === "conversation-added")).toEqual([])
    expect(await bob.friendRequests()).toEqual([])
    expect((await bob.conversation(conversationId)).status).toBe("declined")
    // Nothing went back: for Mallory the request is still just pending.
    await mallory.sync()
    expect((await mallory.conversation(conversationId)).status).toBe("outgoing-request")
  })

  it("hides a blocked friend's messages and profile updates until unblocked", async () => {
    const { alice, bob, chat: direct } = await setup.twoFriends()
    await bob.profileOf(alice.accountId)
    await bob.setBlocked(alice.accountId, true)
    const seen = collect(bob)
    await alice.sendText(direct, "can you hear me")
    await alice.setDisplayName("Alice Renamed")
    await bob.sync()
    expect(seen.some((e) => e.type === "message")).toBe(false)
    expect(await texts(bob, direct)).toEqual([])
    expect((await bob.conversation(direct)).unreadCount).toBe(0)
    expect(await bob.profileOf(alice.accountId)).toBeUndefined()
    expect(bob.nameOf(alice.accountId)).toBe("Alice")

    await bob.setBlocked(alice.accountId, false)
    const got = nextEvent(bob, "message", (e) => e.message.body === "and now")
    await alice.sendText(direct, "and now")
    await got
    expect(await texts(bob, direct)).toEqual(["and now"])
    expect(await bob.profileOf(alice.accountId)).toEqual(
      expect.objectContaining({ displayName: "Alice Renamed" }),
    )
  })

  it("a block made on one device holds on the account's other devices, linked before or after", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    const direct = await befriend(alice, bob)
    await bob.setBlocked(carol.accountId, true)
    const link = async () => {
      const { code, done } = await bob.createLinkCode()
      const device = await KithClient.linkDevice({
        serverUrl: setup.server.url,
        store: new MemoryStore(),
        code,
        webSocket: nodeWebSocket,
        keyPackages: testKeyPackages,
      })
      setup.keep(device)
      await device.connect()
      await done
      await device.sync()
      return device
    }
    // Linked after the block: it learns the list when it joins.
    const laptop = await link()
    expect(laptop.blockedAccounts()).toEqual([carol.accountId])
    // Blocked after linking: the change reaches the laptop.
    await bob.setBlocked(alice.accountId, true)
    await laptop.sync()
    expect([...laptop.blockedAccounts()].sort()).toEqual([carol.accountId, alice.accountId].sort())
    const seen = collect(laptop)
    await alice.sendText(direct, "to both of your devices")
    await laptop.sync()
    expect(seen.some((e) => e.type === "message")).toBe(false)
    // And back: unblocking on the laptop reaches the phone.
    await laptop.setBlocked(alice.accountId, false)
    await bob.sync()
    expect(bob.blockedAccounts()).toEqual([carol.accountId])
  })

  it("in a group, hides a blocked member's messages but keeps the group's own state in step", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const joined = nextEvent(bob, "conversation-added", (e) => e.conversation.name === "Book club")
    const group = await alice.createGroup("Book club", [bob.accountId, carol.accountId])
    await joined
    await carol.sync()
    await bob.setBlocked(carol.accountId, true)
    await carol.sendText(group.id, "from the blocked member")
    await carol.setDisappearingTimer(group.id, 300_000)
    const fromAlice = nextEvent(bob, "message", (e) => e.message.body === "from Alice")
    await alice.sync()
    await alice.sendText(group.id, "from Alice")
    await fromAlice
    expect(await texts(bob, group.id)).toEqual(["from Alice"])
    // The timer is group state: it applies at Bob's too, so every member keeps the same rules.
    expect((await bob.conversation(group.id)).timerMs).toBe(300_000)
  })
})
