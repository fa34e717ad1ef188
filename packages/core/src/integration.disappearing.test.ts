import { readFileSync, existsSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { SqliteStore } from "./node/sqliteStore"
import { systemClock, type Clock } from "./runtime"
import { befriend, nextEvent, tempStorePath } from "./node/testHarness"

const setup = serverForFile()
const { user } = setup

function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return { now: () => Date.now() + offset, sleep: systemClock.sleep, advance: (ms) => (offset += ms) }
}

/** Every byte SQLite keeps for a store: the database file and its write-ahead log. */
function rawBytes(path: string): Buffer {
  const parts = [path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p))
  return Buffer.concat(parts)
}

const contains = (path: string, marker: string) => rawBytes(path).includes(Buffer.from(marker, "utf8"))

describe("local deletion ([T2], [T8])", () => {
  it("a timer set by one member applies on every device; expired plaintext is gone from the SQLite file and WAL", async () => {
    const aliceClock = movableClock()
    const bobClock = movableClock()
    const alicePath = tempStorePath(setup.server, "alice-disappearing")
    const bobPath = tempStorePath(setup.server, "bob-disappearing")
    const alice = await user("Alice", { clock: aliceClock, store: new SqliteStore(alicePath) })
    const bob = await user("Bob", { clock: bobClock, store: new SqliteStore(bobPath) })
    const direct = await befriend(alice, bob)

    const timerAtAlice = nextEvent(alice, "timer-changed", (e) => e.conversationId === direct)
    await bob.setDisappearingTimer(direct, 30_000)
    expect(await timerAtAlice).toMatchObject({ timerMs: 30_000, byAccountId: bob.accountId })
    expect((await alice.conversation(direct)).timerMs).toBe(30_000)
    // Both sides show who changed it, as a system line.
    const line = (await alice.messages(direct)).find((m) => m.timerMs !== undefined)
    expect(line).toMatchObject({ kind: "notice", timerMs: 30_000, senderAccountId: bob.accountId })

    const marker = `vanishing-${crypto.randomUUID()}`
    const got = nextEvent(bob, "message", (e) => e.message.body === marker)
    const sent = await alice.sendText(direct, marker)
    const received = (await got).message
    expect(sent.expiresAtMs).toBeGreaterThan(Date.now())
    expect(received.expiresAtMs).toBeGreaterThan(Date.now())
    // The check can see plaintext when it is there.
    expect(contains(bobPath, marker)).toBe(true)
    expect(contains(alicePath, marker)).toBe(true)

    bobClock.advance(31_000)
    aliceClock.advance(31_000)
    const goneAtBob = nextEvent(bob, "deleted", (e) => e.messageIds.includes(received.id))
    await bob.expireMessages()
    await goneAtBob
    await alice.expireMessages()
    expect((await bob.messages(direct)).some((m) => m.body === marker)).toBe(false)
    expect((await alice.messages(direct)).some((m) => m.body === marker)).toBe(false)
    expect(contains(bobPath, marker)).toBe(false)
    expect(contains(alicePath, marker)).toBe(false)

    // Turned off by the other member: new messages are kept.
    const offAtBob = nextEvent(bob, "timer-changed", (e) => e.timerMs === 0)
    await alice.setDisappearingTimer(direct, 0)
    await offAtBob
    const kept = nextEvent(bob, "message", (e) => e.message.body === "kept")
    await alice.sendText(direct, "kept")
    expect((await kept).message.expiresAtMs).toBeUndefined()
  })

  it("expires on its own timer, without being asked", async () => {
    const { alice, bob, chat: direct } = await setup.twoFriends()
    const set = nextEvent(bob, "timer-changed")
    await alice.setDisappearingTimer(direct, 30_000)
    await set
    const got = nextEvent(bob, "message", (e) => e.message.body === "in thirty seconds")
    await alice.sendText(direct, "in thirty seconds")
    const id = (await got).message.id
    // The only wait in the suite: the engine's own timer (the limit only catches a hang).
    const deleted = await nextEvent(bob, "deleted", (e) => e.messageIds.includes(id), 90_000)
    expect(deleted.conversationId).toBe(direct)
    expect((await bob.messages(direct)).some((m) => m.id === id)).toBe(false)
  }, 120_000)

  it("a member who joins later applies the group's timer to what they send", async () => {
    const alice = await user("Alice")
    const bob = await user("Bob")
    const carol = await user("Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const joined = nextEvent(bob, "conversation-added", (e) => e.conversation.name === "Short-lived")
    const group = await alice.createGroup("Short-lived", [bob.accountId])
    await joined
    await alice.setDisappearingTimer(group.id, 3_600_000)
    const carolJoined = nextEvent(carol, "conversation-added", (e) => e.conversation.name === "Short-lived")
    await alice.addMembers(group.id, [carol.accountId])
    await carolJoined
    expect((await carol.conversation(group.id)).timerMs).toBe(3_600_000)
    const atAlice = nextEvent(alice, "message", (e) => e.message.body === "hello from the newcomer")
    await carol.sendText(group.id, "hello from the newcomer")
    expect((await atAlice).message.expiresAtMs).toBeGreaterThan(Date.now())
  })

  it("refuses a timer outside the allowed set, and receivers ignore one", async () => {
    const { alice, bob, chat: direct } = await setup.twoFriends()
    await expect(alice.setDisappearingTimer(direct, 12_345)).rejects.toMatchObject({
      code: "KITH_ERR_BAD_REQUEST",
    })
    expect((await bob.conversation(direct)).timerMs).toBe(0)
  })

  it("Delete for me removes the plaintext from this device's SQLite file; the others keep theirs", async () => {
    const alice = await user("Alice")
    const bobPath = tempStorePath(setup.server, "bob-delete-for-me")
    const bob = await user("Bob", { store: new SqliteStore(bobPath) })
    const direct = await befriend(alice, bob)
    const marker = `delete-me-${crypto.randomUUID()}`
    const got = nextEvent(bob, "message", (e) => e.message.body === marker)
    const sent = await alice.sendText(direct, marker)
    await got
    await bob.sendText(direct, "a later message")
    expect(contains(bobPath, marker)).toBe(true)

    const deleted = nextEvent(bob, "deleted")
    await bob.deleteForMe(direct, [sent.id])
    expect((await deleted).messageIds).toEqual([sent.id])
    expect((await bob.messages(direct)).map((m) => m.body)).toEqual(["a later message"])
    expect(contains(bobPath, marker)).toBe(false)
    expect((await alice.messages(direct)).some((m) => m.body === marker)).toBe(true)
  })
})
