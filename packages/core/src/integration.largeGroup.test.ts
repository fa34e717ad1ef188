import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { KithClient } from "./client"
import { epochOf, groupMembers } from "./mlsGroup"
import { nodeWebSocket } from "./node/nodeWebSocket"
import { MemoryStore } from "./store"
import { befriend, nextEvent, testKeyPackages } from "./node/testHarness"

/**
 * A group that grows to 50 devices: 25 accounts with two devices each (a
 * phone, and a laptop linked to it).
 */
const ACCOUNTS = 25

const setup = serverForFile()

interface Person {
  phone: KithClient
  laptop: KithClient
}

async function person(name: string): Promise<Person> {
  const phone = await setup.user(name)
  const { code, done } = await phone.createLinkCode()
  const laptop = await KithClient.linkDevice({
    serverUrl: setup.server.url,
    store: new MemoryStore(),
    code,
    webSocket: nodeWebSocket,
    keyPackages: testKeyPackages,
  })
  await laptop.connect()
  await done
  setup.keep(laptop)
  return { phone, laptop }
}

const devicesOf = (people: Person[]) => people.flatMap((p) => [p.phone, p.laptop])

/** KITH_TIMINGS=1 prints how long each step took (for the record; nothing asserts speed). */
function timed<T>(label: string, task: () => Promise<T>): Promise<T> {
  const started = performance.now()
  return task().finally(() => {
    if (process.env.KITH_TIMINGS)
      console.info(`[large group] ${label}: ${(performance.now() - started).toFixed(0)} ms`)
  })
}

describe("a group of 50 devices", () => {
  it("grows to 50 devices, shrinks, and a removed member reads nothing later", async () => {
    const people = await timed(`${ACCOUNTS} accounts with two devices each`, async () => {
      const made: Person[] = []
      for (let i = 0; i < ACCOUNTS; i += 5) {
        made.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => person(`P${i + j}`)))))
      }
      return made
    })
    const [owner, ...others] = people as [Person, ...Person[]]
    await timed("24 friendships with the owner", async () => {
      for (const other of others) await befriend(other.phone, owner.phone)
    })

    const firstHalf = others.slice(0, 12)
    const secondHalf = others.slice(12)
    const joinedFirst = devicesOf(firstHalf).map((d) =>
      nextEvent(d, "conversation-added", (e) => e.conversation.kind === "group"),
    )
    const group = await timed("create a group of 26 devices", () =>
      owner.phone.createGroup(
        "fifty",
        firstHalf.map((p) => p.phone.accountId),
      ),
    )
    await timed("…until all 24 joiners have it", () => Promise.all(joinedFirst))

    const joinedSecond = devicesOf(secondHalf).map((d) =>
      nextEvent(d, "conversation-added", (e) => e.conversation.id === group.id),
    )
    await timed("add 12 accounts (24 devices) to reach 50", () =>
      owner.phone.addMembers(
        group.id,
        secondHalf.map((p) => p.phone.accountId),
      ),
    )
    await timed("…until all 24 new devices have it", () => Promise.all(joinedSecond))

    const everyone = devicesOf(people)
    await timed("sync all 50 devices", async () => {
      for (const d of everyone) await d.sync()
    })
    const states = await Promise.all(
      everyone.map(async (d) => {
        const state = (await d.internals.groups.get(group.id))!
        return { epoch: epochOf(state), devices: groupMembers(state).length }
      }),
    )
    for (const s of states) expect(s).toEqual({ epoch: states[0]!.epoch, devices: 50 })

    const leaver = secondHalf[0]!
    const removedEvents = [leaver.phone, leaver.laptop].map((d) => nextEvent(d, "removed-from-conversation"))
    await timed("remove one account (2 devices) from 50", () =>
      owner.phone.removeMembers(group.id, [leaver.phone.accountId]),
    )
    await Promise.all(removedEvents)

    let leaverHeard = 0
    for (const d of [leaver.phone, leaver.laptop]) d.on((e) => e.type === "message" && leaverHeard++)
    const stayers = everyone.filter((d) => d !== owner.phone && d.accountId !== leaver.phone.accountId)
    const heard = stayers.map((d) => nextEvent(d, "message", (e) => e.message.body === "after the removal"))
    await timed("one message to 47 other devices, until all have read it", async () => {
      await owner.phone.sendText(group.id, "after the removal")
      await Promise.all(heard)
    })
    for (const d of [leaver.phone, leaver.laptop]) await d.sync()
    expect(leaverHeard).toBe(0)
    expect((await leaver.phone.messages(group.id)).map((m) => m.body)).not.toContain("after the removal")
    expect((await leaver.laptop.conversation(group.id)).status).toBe("removed")
    // About 17 s alone; on two busy cores beside other suites it has needed more than the
    // default minute. The limit only turns a hang into a failure.
  }, 240_000)
})
