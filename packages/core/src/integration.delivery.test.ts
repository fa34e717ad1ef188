import { toBase64Url } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { Batch } from "./batch"
import type { KithClient } from "./client"
import type { KithEvent } from "./events"
import { acknowledgerOf } from "./deliveryReceipts"
import { findMessage, putMessage } from "./messageLog"
import { groupMembers } from "./mlsGroup"
import { MemoryStore } from "./store"
import { befriend, nextEvent, openClient } from "./node/testHarness"

const setup = serverForFile()

const user = (name: string, store = new MemoryStore()) => setup.user(name, { store })

function record(client: KithClient, type: KithEvent["type"]): KithEvent[] {
  const seen: KithEvent[] = []
  client.on((e) => {
    if (e.type === type) seen.push(e)
  })
  return seen
}

describe("delivery receipts", () => {
  it("a backlog is acknowledged with one receipt, and a receipt gets none back", async () => {
    const { alice, bob, chat } = await setup.twoFriends()
    await alice.sync()
    await bob.sync()

    await bob.close()
    const ids: string[] = []
    for (const text of ["one", "two", "three"]) ids.push((await alice.sendText(chat, text)).id)
    expect((await alice.messages(chat)).filter((m) => ids.includes(m.id)).map((m) => m.deliveredTo)).toEqual([
      [],
      [],
      [],
    ])

    const delivered = record(alice, "delivered")
    const bobSawDelivered = record(bob, "delivered")
    const allDelivered = nextEvent(alice, "delivered", (e) => ids.every((id) => e.messageIds.includes(id)))
    await bob.connect()
    await bob.sync()
    await allDelivered
    await alice.sync()
    await bob.sync()

    // One receipt for the whole backlog, from Bob.
    expect(delivered).toHaveLength(1)
    expect(delivered[0]).toMatchObject({ conversationId: chat, byAccountId: bob.accountId })
    const mine = (await alice.messages(chat)).filter((m) => ids.includes(m.id))
    expect(mine.map((m) => m.deliveredTo)).toEqual([[bob.accountId], [bob.accountId], [bob.accountId]])
    // Alice owed nothing for a receipt: Bob never hears "delivered".
    expect(bobSawDelivered).toHaveLength(0)
    expect(await alice.internals.store.list("dr/")).toHaveLength(0)
    expect(await bob.internals.store.list("dr/")).toHaveLength(0)
  })

  it("in a group one member acknowledges each message, so a message costs one receipt", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const group = await alice.createGroup("Walks", [bob.accountId, carol.accountId])
    for (const c of [alice, bob, carol]) await c.sync()

    const state = (await alice.internals.groups.get(group.id))!
    const me = groupMembers(state).find((m) => m.accountId === alice.accountId)!
    const acknowledger = acknowledgerOf(state, me)
    expect([bob.accountId, carol.accountId]).toContain(acknowledger)

    const delivered = record(alice, "delivered")
    const first = nextEvent(alice, "delivered")
    const sent = await alice.sendText(group.id, "see you at nine")
    await first
    for (const c of [bob, carol, alice]) await c.sync()
    expect(delivered).toHaveLength(1)
    const view = (await alice.messages(group.id)).find((m) => m.id === sent.id)!
    expect(view.deliveredTo).toEqual([acknowledger])
  })
})

describe("the outbox in the message view", () => {
  it("a message queued offline shows sending, also after a restart, until the server has it", async () => {
    const store = new MemoryStore()
    const alice = await user("Alice", store)
    const bob = await user("Bob")
    const chat = await befriend(alice, bob)
    await alice.sync()
    await alice.close()

    const queued = await alice.sendText(chat, "written offline")
    const stateOf = async (c: KithClient) => (await c.messages(chat)).find((m) => m.id === queued.id)?.outbox
    expect(await stateOf(alice)).toBe("sending")

    setup.forget(alice)
    const reopened = await openClient(setup.server, { store })
    setup.keep(reopened)
    expect(await stateOf(reopened)).toBe("sending")

    const sent = nextEvent(reopened, "sent", (e) => e.messageIds.includes(queued.id))
    await reopened.connect()
    expect((await sent).failed).toBe(false)
    expect(await stateOf(reopened)).toBeUndefined()
  })

  it("a message the server refuses shows failed, and resending delivers it once", async () => {
    const { alice, bob, chat } = await setup.twoFriends()
    await alice.sync()
    const token = alice.internals.contacts.get(bob.accountId)!.deliveryToken
    const setToken = async (deliveryToken: string | undefined) => {
      const batch = new Batch()
      alice.internals.contacts.update(batch, bob.accountId, (c) => c && { ...c, deliveryToken })
      await alice.internals.apply(batch)
    }

    // A wrong delivery token: the server refuses the message for good.
    await setToken(toBase64Url(new Uint8Array(32).fill(7)))
    const refused = nextEvent(alice, "sent", (e) => e.failed)
    const message = await alice.sendText(chat, "try me")
    expect((await refused).messageIds).toEqual([message.id])
    const view = async () => (await alice.messages(chat)).find((m) => m.id === message.id)!
    expect((await view()).outbox).toBe("failed")

    await setToken(token)
    const arrived = nextEvent(bob, "message", (e) => e.message.id === message.id)
    await alice.resend(chat, message.id)
    expect((await arrived).message.body).toBe("try me")
    await alice.sync()
    expect((await view()).outbox).toBeUndefined()
    await bob.sync()
    expect((await bob.messages(chat)).filter((m) => m.id === message.id)).toHaveLength(1)
    await expect(alice.resend(chat, message.id)).rejects.toMatchObject({ code: "KITH_ERR_NOT_FOUND" })
  })
})

describe("delivery receipts and blocking", () => {
  it("a blocked sender is told nothing: neither for new messages nor for receipts still owed", async () => {
    const { alice, bob, chat } = await setup.twoFriends()
    await alice.sync()
    await bob.sync()
    const delivered = record(alice, "delivered")
    const first = await alice.sendText(chat, "before the block")
    await bob.sync()
    await alice.sync()
    expect(delivered).toHaveLength(1)

    await bob.setBlocked(alice.accountId, true)
    // Alice forgets Bob's first receipt, so a second one would show.
    const stored = (await findMessage(alice.internals.store, chat, first.id))!
    const reset = new Batch()
    putMessage(reset, chat, { ...stored, deliveredTo: [] })
    await alice.internals.apply(reset)
    // A receipt still owed when the block came (as if the tab had closed before sending it).
    const owed = `dr/${chat}/${first.id}`
    await bob.internals.store.batch([{ kind: "put", key: owed, value: new Uint8Array([1]) }])
    await bob.internals.deliveryReceipts.sendOwed()
    await alice.sendText(chat, "after the block")
    await bob.sync()
    await alice.sync()
    expect(delivered).toHaveLength(1)
    expect(await bob.internals.store.list("dr/")).toHaveLength(0)
  })
})
