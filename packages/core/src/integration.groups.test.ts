import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { claimKeyPackages } from "./claims"
import type { KithClient } from "./client"
import { addDevices, commitChange } from "./commits"
import { epochOf, groupMembers } from "./mlsGroup"
import { sendContent } from "./send"
import { befriend, nextEvent } from "./node/testHarness"

const setup = serverForFile()

async function users<N extends string[]>(...names: N): Promise<{ [K in keyof N]: KithClient }> {
  const made = await Promise.all(names.map((n) => setup.user(n)))
  return made as { [K in keyof N]: KithClient }
}

/** Every client's view of a group: its epoch and its member devices. */
async function groupState(client: KithClient, conversationId: string) {
  const state = (await client.internals.groups.get(conversationId))!
  return {
    epoch: epochOf(state),
    devices: groupMembers(state)
      .map((m) => m.deviceId)
      .sort(),
  }
}

/** Buffers a client's incoming mailbox entries until released (it is "slow" to see others' commits). */
function holdMailbox(client: KithClient) {
  const mailbox = client.internals.mailbox
  const push = mailbox.push.bind(mailbox)
  const buffered: Parameters<typeof push>[0][] = []
  mailbox.push = (entry) => buffered.push(entry)
  return {
    release() {
      mailbox.push = push
      for (const entry of buffered) push(entry)
    },
  }
}

/** Counts the epoch conflicts the server answers a client's commits with. */
function countConflicts(client: KithClient) {
  let count = 0
  let notify: () => void
  const first = new Promise<void>((resolve) => (notify = resolve))
  for (const socket of [client.internals.sealedSocket!, client.internals.authSocket!]) {
    const request = socket.requestNow.bind(socket)
    socket.requestNow = async (body) => {
      try {
        return await request(body)
      } catch (e) {
        if ((e as { code?: string }).code === ErrorCode.EpochConflict) {
          count++
          notify()
        }
        throw e
      }
    }
  }
  return { first, count: () => count }
}

async function syncAll(...all: KithClient[]) {
  // Twice: what one client sends while syncing reaches the others in the second round.
  for (let i = 0; i < 2; i++) for (const c of all) await c.sync()
}

describe("group conversations", () => {
  it("[E2] names and roles change only by an admin, as every receiver checks", async () => {
    const [alice, bob, carol] = await users("Alice", "Bob", "Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const added = [nextEvent(bob, "conversation-added"), nextEvent(carol, "conversation-added")]
    const group = await alice.createGroup("climbers", [bob.accountId, carol.accountId])
    for (const event of await Promise.all(added)) {
      expect(event.conversation).toMatchObject({
        id: group.id,
        kind: "group",
        name: "climbers",
        admins: [alice.accountId],
      })
    }

    await expect(bob.renameGroup(group.id, "bob's")).rejects.toMatchObject({ code: ErrorCode.NotAdmin })
    await expect(bob.addMembers(group.id, [alice.accountId])).rejects.toMatchObject({
      code: ErrorCode.NotAdmin,
    })
    // Bob's client skips its own check: the others refuse the rename anyway.
    await sendContent(bob.internals, group.id, {
      case: "rename",
      value: create(pb.RenameSchema, { name: "bob's" }),
    })
    const marker = nextEvent(carol, "message", (e) => e.message.body === "after bob's rename")
    await bob.sendText(group.id, "after bob's rename")
    await marker
    expect((await carol.conversation(group.id)).name).toBe("climbers")
    expect((await alice.conversation(group.id)).name).toBe("climbers")

    const promoted = nextEvent(carol, "admin-changed", (e) => e.accountId === bob.accountId)
    // Bob renames next, so Bob too must have applied his promotion (delivery receipts ahead of it in his mailbox can delay it).
    const bobPromoted = nextEvent(bob, "admin-changed", (e) => e.accountId === bob.accountId)
    await alice.setAdmin(group.id, bob.accountId, true)
    expect(await promoted).toMatchObject({ admin: true, byAccountId: alice.accountId })
    await bobPromoted
    const renamed = nextEvent(carol, "renamed")
    await bob.renameGroup(group.id, "summit team")
    expect(await renamed).toMatchObject({ name: "summit team", byAccountId: bob.accountId })
    expect((await alice.conversation(group.id)).admins.sort()).toEqual(
      [alice.accountId, bob.accountId].sort(),
    )
  })

  it("refuses a membership change by a non-admin at every receiver", async () => {
    const [alice, bob, carol, erin] = await users("Alice", "Bob", "Carol", "Erin")
    await befriend(alice, bob)
    await befriend(alice, carol)
    await befriend(carol, erin)
    const joined = nextEvent(carol, "conversation-added")
    const group = await alice.createGroup("closed circle", [bob.accountId, carol.accountId])
    await joined
    await syncAll(alice, bob, carol)
    // Carol is no admin; her client commits an add of Erin anyway.
    const refused = [alice, bob].map((c) =>
      nextEvent(c, "decrypt-failed", (e) => e.conversationId === group.id),
    )
    const erinPackages = await claimKeyPackages(carol.internals, erin.accountId)
    await commitChange(carol.internals, group.id, (state) => ({ proposals: addDevices(erinPackages)(state) }))
    for (const event of await Promise.all(refused)) expect(event.reason).toMatch(/refused/)
    for (const c of [alice, bob]) {
      const members = (await c.conversation(group.id)).members.map((m) => m.accountId)
      expect(members).not.toContain(erin.accountId)
    }
  })

  it("two members committing at once end in one consistent state, and messages flow after", async () => {
    const [alice, bob, carol, dave, erin] = await users("Alice", "Bob", "Carol", "Dave", "Erin")
    await befriend(alice, bob)
    await befriend(alice, carol)
    await befriend(bob, dave)
    await befriend(bob, erin)
    const joined = nextEvent(bob, "conversation-added")
    const group = await alice.createGroup("race", [bob.accountId])
    await joined
    const promoted = nextEvent(bob, "admin-changed")
    await alice.setAdmin(group.id, bob.accountId, true)
    await promoted

    // Bob does not see Alice's commit before making his own: his is refused for its epoch.
    const held = holdMailbox(bob)
    const conflicts = countConflicts(bob)
    await alice.addMembers(group.id, [carol.accountId])
    const bobAdds = bob.addMembers(group.id, [dave.accountId])
    await conflicts.first
    held.release()
    await bobAdds
    // And once more truly at the same time, whoever wins.
    await Promise.all([alice.renameGroup(group.id, "racers"), bob.addMembers(group.id, [erin.accountId])])

    const everyone = [alice, bob, carol, dave, erin]
    await syncAll(...everyone)
    const states = await Promise.all(everyone.map((c) => groupState(c, group.id)))
    for (const s of states) expect(s).toEqual(states[0])
    expect(states[0]!.devices).toHaveLength(5)
    expect(conflicts.count()).toBeGreaterThan(0)

    const heard = [alice, bob, carol, erin].map((c) =>
      nextEvent(c, "message", (e) => e.message.body === "hello all"),
    )
    await dave.sendText(group.id, "hello all")
    await Promise.all(heard)
  })

  it("a member who leaves is removed by the others and reads nothing afterwards", async () => {
    const [alice, bob, carol] = await users("Alice", "Bob", "Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const joined = [nextEvent(bob, "conversation-added"), nextEvent(carol, "conversation-added")]
    const group = await alice.createGroup("book club", [bob.accountId, carol.accountId])
    await Promise.all(joined)
    const gone = nextEvent(alice, "member-removed", (e) => e.accountId === carol.accountId)
    await carol.leaveGroup(group.id)
    await gone
    await syncAll(alice, bob, carol)
    expect((await alice.conversation(group.id)).members.map((m) => m.accountId).sort()).toEqual(
      [alice.accountId, bob.accountId].sort(),
    )
    let carolHeard = 0
    carol.on((e) => e.type === "message" && carolHeard++)
    const toBob = nextEvent(bob, "message")
    await alice.sendText(group.id, "carol has gone")
    await toBob
    await carol.sync()
    expect(carolHeard).toBe(0)
    expect((await carol.conversation(group.id)).status).toBe("left")
  })
})
