import { ErrorCode, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { KithClient } from "./client"
import { nodeWebSocket } from "./node/nodeWebSocket"
import { MemoryStore } from "./store"
import { befriend, nextEvent, openClient, testKeyPackages } from "./node/testHarness"

const setup = serverForFile()
const { user } = setup

/** Links a new device to `existing`'s account and waits until it is in every conversation. */
async function link(existing: KithClient): Promise<KithClient> {
  const { code, done } = await existing.createLinkCode()
  const linked = await KithClient.linkDevice({
    serverUrl: setup.server.url,
    store: new MemoryStore(),
    code,
    webSocket: nodeWebSocket,
    keyPackages: testKeyPackages,
  })
  setup.keep(linked)
  await linked.connect()
  await done
  await linked.sync()
  return linked
}

describe("multi-device", () => {
  it("a linked device reads new messages of every conversation; friends are warned of it", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    const direct = await befriend(alice, bob)
    await befriend(alice, carol)
    const joined = nextEvent(bob, "conversation-added")
    const group = await alice.createGroup("trio", [bob.accountId, carol.accountId])
    await joined

    const warned = nextEvent(bob, "device-added", (e) => e.accountId === alice.accountId)
    const laptop = await link(alice)
    expect(laptop.accountId).toBe(alice.accountId)
    expect((await warned).own).toBe(false)
    expect((await alice.devices()).map((d) => d.deviceId).sort()).toEqual(
      [alice.deviceId, laptop.deviceId].sort(),
    )

    const kinds = (await laptop.conversations()).map((c) => c.kind).sort()
    expect(kinds).toEqual(["direct", "direct", "group", "self"])
    expect((await laptop.friends()).map((f) => f.accountId).sort()).toEqual(
      [bob.accountId, carol.accountId].sort(),
    )

    const inDirect = nextEvent(laptop, "message", (e) => e.conversationId === direct)
    const inGroup = nextEvent(laptop, "message", (e) => e.conversationId === group.id)
    await bob.sendText(direct, "to both of Alice's devices")
    await carol.sendText(group.id, "to the whole group")
    expect((await inDirect).message.body).toBe("to both of Alice's devices")
    expect((await inGroup).message.body).toBe("to the whole group")

    // What the laptop sends, the phone sees as Alice's own.
    const onPhone = nextEvent(alice, "message", (e) => e.conversationId === direct)
    const onBob = nextEvent(bob, "message", (e) => e.conversationId === direct)
    await laptop.sendText(direct, "from the laptop")
    expect((await onPhone).message).toMatchObject({ outgoing: true, body: "from the laptop" })
    expect((await onBob).message.senderDeviceId).toBe(laptop.deviceId)
  })

  it("[C3] refuses a contact's new leaf whose account key is not the pinned one, and warns", async () => {
    const { alice, bob, chat: direct } = await setup.twoFriends()
    // As if Alice had pinned another key for Bob: every leaf of Bob's account now fails her check.
    const engine = alice.internals
    await alice.sync()
    const batch = new Batch()
    engine.contacts.update(
      batch,
      bob.accountId,
      (c) => c && { ...c, accountPublicKey: toBase64Url(new Uint8Array(32).fill(7)) },
    )
    await engine.apply(batch)
    const warned = nextEvent(alice, "untrusted-device", (e) => e.accountId === bob.accountId)
    const refused = nextEvent(alice, "decrypt-failed", (e) => e.conversationId === direct)
    const laptop = await link(bob)
    expect((await warned).deviceId).toBe(laptop.deviceId)
    await refused
    const bobsDevices = (await alice.conversation(direct)).members.find(
      (m) => m.accountId === bob.accountId,
    )!.deviceIds
    expect(bobsDevices).toEqual([bob.deviceId])
  })

  it("a removed device stops receiving and leaves every conversation", async () => {
    const { alice, bob, chat: direct } = await setup.twoFriends()
    const laptop = await link(alice)
    const removed = nextEvent(bob, "member-removed", (e) => e.deviceIds.includes(laptop.deviceId))
    await alice.removeDevice(laptop.deviceId)
    await removed
    expect((await alice.devices()).map((d) => d.deviceId)).toEqual([alice.deviceId])
    const bobView = await bob.conversation(direct)
    expect(bobView.members.find((m) => m.accountId === alice.accountId)!.deviceIds).toEqual([alice.deviceId])

    let laptopHeard = 0
    laptop.on((e) => e.type === "message" && laptopHeard++)
    const toAlice = nextEvent(alice, "message")
    await bob.sendText(direct, "only the phone reads this")
    await toAlice
    expect(laptopHeard).toBe(0)
    await expect(alice.removeDevice(alice.deviceId)).rejects.toMatchObject({ code: ErrorCode.BadRequest })
  })

  it("restores an account from its recovery phrase as a new device with the same key", async () => {
    const first = await openClient(setup.server)
    const { recoveryPhrase, accountId } = await first.register({ displayName: "Dana" })
    await first.close()
    const restored = await openClient(setup.server)
    setup.keep(restored)
    await restored.restore(recoveryPhrase)
    expect(restored.accountId).toBe(accountId)
    expect(restored.deviceId).not.toBe(first.deviceId)
    await restored.connect()
    await restored.claimUsername(`dana_${process.pid}`)
    // Friends can reach the restored device: a new friendship works end to end.
    const erin = await user("Erin")
    const conversationId = await befriend(erin, restored)
    const got = nextEvent(restored, "message")
    await erin.sendText(conversationId, "welcome back")
    expect((await got).message.body).toBe("welcome back")
    await expect(openClient(setup.server).then((c) => c.restore("not a phrase"))).rejects.toMatchObject({
      code: ErrorCode.BadRecoveryPhrase,
    })
  })

  it("deletes an account on the server and locally", async () => {
    const store = new MemoryStore()
    const gone = await openClient(setup.server, { store })
    await gone.register()
    await gone.connect()
    await gone.deleteAccount()
    expect(await store.list("")).toEqual([])
    expect(gone.isRegistered).toBe(false)
  })
})
