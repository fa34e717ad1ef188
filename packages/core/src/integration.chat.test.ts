import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, frames, fromBase64Url, Limits, utf8 } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { encodeContent } from "./contentCodec"
import { encryptApplication } from "./mlsGroup"
import { SqliteStore } from "./node/sqliteStore"
import { receivePayload } from "./receive"
import { systemClock, type Clock } from "./runtime"
import { sendContent } from "./send"
import { MemoryStore } from "./store"
import { befriend, nextEvent, openClient, tempStorePath } from "./node/testHarness"
import { sendDeliveries } from "./transport"

const setup = serverForFile()
const { user } = setup

/** A clock tests can move forward. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return { now: () => Date.now() + offset, sleep: systemClock.sleep, advance: (ms) => (offset += ms) }
}

describe("1:1 chat", () => {
  it("befriends two accounts and carries messages both ways", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()

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
    const aliceView = (await alice.conversations()).find((c) => c.id === conversationId)!
    expect(aliceView.kind).toBe("direct")
    expect(aliceView.members.map((m) => m.accountId).sort()).toEqual([alice.accountId, bob.accountId].sort())
    expect((await bob.messages(conversationId)).map((m) => m.body)).toEqual(["hello Bob", "hi Alice"])
    expect(await alice.profileOf(bob.accountId)).toEqual({ displayName: "Bob" })
    expect(await alice.safetyNumber(bob.accountId)).toBe(await bob.safetyNumber(alice.accountId))
  })

  it("a declined friend request makes no friends", async () => {
    const alice = await user("Alice")
    const mallory = await user("Mallory")
    const requested = nextEvent(alice, "friend-request")
    const { conversationId } = await mallory.sendFriendRequest(alice.username!, "let me in")
    expect((await requested).request.greeting).toBe("let me in")
    expect((await alice.friendRequests()).map((r) => r.accountId)).toEqual([mallory.accountId])
    const gone = nextEvent(mallory, "member-removed", (e) => e.accountId === alice.accountId)
    await alice.declineFriendRequest(conversationId)
    await gone
    expect(await alice.friendRequests()).toEqual([])
    expect(await alice.friends()).toEqual([])
    expect(await mallory.friends()).toEqual([])
    expect((await mallory.conversation(conversationId)).status).toBe("declined")
    await expect(mallory.sendText(conversationId, "still there?")).rejects.toMatchObject({
      code: ErrorCode.NotAFriend,
    })
  })

  it("a friend request that cannot go out leaves nothing behind", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    await alice.close()
    await expect(alice.sendFriendRequest(bob.username!)).rejects.toMatchObject({ code: ErrorCode.Network })
    expect((await alice.conversations()).map((c) => c.kind)).toEqual(["self"])
  })

  it("delivers what was sent while the recipient was offline, each message once", async () => {
    const alice = await user("Alice")
    const store = new MemoryStore()
    const bob = await user("Bob", { store })
    const conversationId = await befriend(alice, bob)
    await bob.close()
    setup.forget(bob)
    for (const text of ["one", "two", "three"]) await alice.sendText(conversationId, text)

    const again = await openClient(setup.server, { store })
    setup.keep(again)
    const seen: string[] = []
    again.on((e) => {
      if (e.type === "message") seen.push(e.message.body)
    })
    await again.connect()
    await again.sync()
    expect(seen).toEqual(["one", "two", "three"])
    expect((await again.messages(conversationId)).map((m) => m.body)).toEqual(["one", "two", "three"])
    expect((await again.conversation(conversationId)).unreadCount).toBe(3)
  })

  it("picks up where it left off when the same client connects again", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()
    await bob.close()
    await alice.sendText(conversationId, "while you were away")
    const got = nextEvent(bob, "message")
    await bob.connect()
    expect((await got).message.body).toBe("while you were away")
    const back = nextEvent(alice, "message")
    await bob.sendText(conversationId, "back again")
    expect((await back).message.body).toBe("back again")
  })

  it("[E3] processes a payload pushed twice only once", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()
    const payloads: Uint8Array[] = []
    const mailbox = bob.internals.mailbox
    const push = mailbox.push.bind(mailbox)
    mailbox.push = (entry) => {
      payloads.push(entry.payload)
      push(entry)
    }
    const got = nextEvent(bob, "message")
    await alice.sendText(conversationId, "only once")
    await got
    let duplicates = 0
    bob.on((e) => e.type === "message" && duplicates++)
    for (const payload of payloads) await receivePayload(bob.internals, payload)
    // The same payload under a new sequence number, as after a crash before the acknowledgement.
    push(create(frames.MailboxEntrySchema, { seq: 1_000_000n, payload: payloads.at(-1)! }))
    await bob.sync()
    expect(duplicates).toBe(0)
    expect((await bob.messages(conversationId)).filter((m) => m.body === "only once")).toHaveLength(1)
  })

  it("[E1] recalls within the window; later the sender is refused and receivers ignore a forged recall", async () => {
    const clock = movableClock()
    const alice = await user("Alice", { clock })
    const bob = await user("Bob")
    const conversationId = await befriend(alice, bob)

    let got = nextEvent(bob, "message")
    const first = await alice.sendText(conversationId, "oops")
    await got
    const recalled = nextEvent(bob, "recalled")
    await alice.recall(conversationId, first.id)
    expect((await recalled).messageId).toBe(first.id)
    const bobFirst = (await bob.messages(conversationId)).find((m) => m.id === first.id)!
    expect(bobFirst).toMatchObject({ recalled: true, body: "" })

    got = nextEvent(bob, "message")
    const second = await alice.sendText(conversationId, "this one stays")
    await got
    clock.advance(Limits.recallWindowMs + 1000)
    await expect(alice.recall(conversationId, second.id)).rejects.toMatchObject({
      code: ErrorCode.RecallExpired,
    })
    // A client that skips its own check: receivers enforce the window too.
    await sendContent(alice.internals, conversationId, {
      case: "recall",
      value: create(pb.RecallSchema, { messageId: fromBase64Url(second.id)! }),
    })
    got = nextEvent(bob, "message")
    await alice.sendText(conversationId, "after the forged recall")
    await got
    const bobSecond = (await bob.messages(conversationId)).find((m) => m.id === second.id)!
    expect(bobSecond).toMatchObject({ recalled: false, body: "this one stays" })
  })

  it("sends read receipts end to end", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()
    const got = nextEvent(bob, "message")
    const sent = await alice.sendText(conversationId, "read me")
    await got
    expect((await bob.conversation(conversationId)).unreadCount).toBe(1)
    const read = nextEvent(alice, "read")
    await bob.markRead(conversationId, [sent.id])
    expect(await read).toMatchObject({ conversationId, messageIds: [sent.id], byAccountId: bob.accountId })
    expect((await alice.messages(conversationId)).find((m) => m.id === sent.id)!.readBy).toEqual([
      bob.accountId,
    ])
    expect((await bob.conversation(conversationId)).unreadCount).toBe(0)
  })

  it("[E4] turns undecryptable payloads into visible events, and keeps going", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()
    const engine = alice.internals
    const bobDevice = {
      accountId: bob.accountId,
      deviceId: bob.deviceId,
      deliveryToken: engine.tokenOf(bob.accountId),
    }

    const global = nextEvent(bob, "decrypt-failed", (e) => e.conversationId === undefined)
    await sendDeliveries(engine, [{ payload: utf8.encode("not an MLS message"), recipients: [bobDevice] }])
    expect((await global).reason).toMatch(/not an MLS message/)

    // A real message of this conversation with its ciphertext damaged.
    const state = (await engine.groups.get(conversationId))!
    const text = create(pb.TextSchema, { body: "damaged" })
    const { payload } = await encryptApplication(
      state,
      encodeContent(engine.newId(), 0, { case: "text", value: text }),
    )
    payload[payload.length - 1]! ^= 0xff
    const local = nextEvent(bob, "decrypt-failed", (e) => e.conversationId === conversationId)
    await sendDeliveries(engine, [{ payload, recipients: [bobDevice] }])
    await local
    expect((await bob.messages(conversationId)).some((m) => m.kind === "decrypt-failed")).toBe(true)

    const after = nextEvent(bob, "message")
    await alice.sendText(conversationId, "still talking")
    expect((await after).message.body).toBe("still talking")
  })

  it("[E4] a Welcome for a key package this device no longer has is a visible failure, not a crash", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    const conversationId = await befriend(carol, bob)
    await bob.sync()
    const store = bob.internals.store
    const keys = await store.list("kp/")
    await store.batch(keys.map((k) => ({ kind: "delete" as const, key: k.key })))
    const failures: string[] = []
    bob.on((e) => e.type === "decrypt-failed" && failures.push(e.reason))
    const failed = nextEvent(bob, "decrypt-failed", (e) => /key package/.test(e.reason))
    await alice.sendFriendRequest(bob.username!, "can you read this?")
    await failed
    await bob.sync()
    expect(await bob.friendRequests()).toEqual([])
    // The request's first message has no conversation here either: also recorded, also survived.
    expect(failures.some((r) => /not in/.test(r))).toBe(true)
    const got = nextEvent(bob, "message")
    await carol.sendText(conversationId, "but this works")
    expect((await got).message.body).toBe("but this works")
  })

  it("continues a conversation after a restart from the same SQLite file", async () => {
    const alice = await user("Alice")
    const path = tempStorePath(setup.server, "carol")
    const carol = await user("Carol", { store: new SqliteStore(path) })
    const conversationId = await befriend(alice, carol)
    let got = nextEvent(carol, "message")
    await alice.sendText(conversationId, "before the restart")
    await got
    await carol.close()
    setup.forget(carol)
    await carol.internals.store.close()

    const store = new SqliteStore(path)
    const again = await openClient(setup.server, { store })
    setup.keep(again)
    expect(again.accountId).toBe(carol.accountId)
    await again.connect()
    got = nextEvent(again, "message")
    await alice.sendText(conversationId, "after the restart")
    expect((await got).message.body).toBe("after the restart")
    const toAlice = nextEvent(alice, "message")
    await again.sendText(conversationId, "I'm back")
    expect((await toAlice).message.body).toBe("I'm back")
    expect((await again.messages(conversationId)).map((m) => m.body)).toEqual([
      "before the restart",
      "after the restart",
      "I'm back",
    ])
    expect((await again.friends()).map((f) => f.accountId)).toEqual([alice.accountId])
  })
})
