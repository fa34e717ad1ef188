/**
 * kill -9 one of three nodes while messages flow: its clients reconnect to
 * another node, senders re-send what got no answer, and every message a node
 * accepted reaches its recipients — at least once on the wire, exactly once
 * after the client's de-duplication.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startCluster, type Cluster } from "../support/cluster"
import { RoamingDevice } from "../support/roamingDevice"
import { PersistentSender, type Recipient } from "../support/persistentSender"
import { newUser, setDeliveryToken, type TestUser } from "../../../packages/server/src/testing/identities"

let cluster: Cluster
const live = () => cluster.nodes.filter((n) => n.alive()).map((n) => n.url)

beforeAll(async () => {
  cluster = await startCluster(3)
}, 120_000)
afterAll(() => cluster?.close())

describe("losing a node under load", () => {
  it("delivers every accepted message exactly once after de-duplication, through the surviving nodes", async () => {
    const people: (TestUser & Recipient)[] = []
    for (let i = 0; i < 6; i++) {
      const url = cluster.nodes[i % 3]!.url
      const user = await newUser(url)
      people.push({ ...user, deliveryToken: await setDeliveryToken(url, user) })
    }
    // Receivers start spread over the three nodes (two on the node that will die).
    const receivers = people.map((p, i) => new RoamingDevice(p, live, i))
    await Promise.all(receivers.map((r) => r.start()))
    const senders = [0, 1, 2].map((i) => new PersistentSender(live, i))
    const addressedTo = new Map<string, number[]>()

    const perSender = 60
    let acceptedSoFar = 0
    let crashed: Promise<void> | undefined
    await Promise.all(
      senders.map(async (sender, s) => {
        for (let k = 0; k < perSender; k++) {
          const text = `CRASH-${s}-${k}`
          const targets = [(s + k) % people.length, (s + k + 3) % people.length]
          addressedTo.set(text, targets)
          await sender.send(
            text,
            targets.map((t) => people[t]!),
          )
          // A third of the way in, the first node dies with everything it had in flight.
          if (++acceptedSoFar === perSender) crashed = cluster.nodes[0]!.crash()
        }
      }),
    )
    await crashed
    expect(cluster.nodes[0]!.alive()).toBe(false)
    expect(cluster.nodes.slice(1).every((n) => n.alive())).toBe(true)

    const accepted = senders.flatMap((s) => s.accepted)
    expect(accepted).toHaveLength(3 * perSender)
    for (const [r, receiver] of receivers.entries()) {
      const mine = accepted.filter((text) => addressedTo.get(text)!.includes(r))
      await receiver.waitFor(mine, `receiver ${r}'s messages`)
      // What the user sees: each accepted message once, nothing that was not addressed to them.
      expect([...receiver.unique()].sort()).toEqual([...new Set(mine)].sort())
    }
    // The clients of the dead node really moved.
    expect(receivers[0]!.reconnects + receivers[3]!.reconnects).toBeGreaterThan(0)
    for (const r of receivers) r.stop()
    await Promise.all(senders.map((s) => s.close()))
  })
})
