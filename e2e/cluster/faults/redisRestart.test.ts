/**
 * Redis restarts under two nodes: sealed sends keep being accepted (they need
 * only PostgreSQL), and when Redis is back cross-node delivery resumes by
 * itself and the receiver gets what it missed without reconnecting. Redis
 * holds sessions in memory only, so they end: devices sign a new challenge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startCluster, type Cluster } from "../support/cluster"
import { RoamingDevice } from "../support/roamingDevice"
import { PersistentSender } from "../support/persistentSender"
import { withRedisDown } from "../support/services"
import { call, request } from "../../../packages/server/src/testing/httpClient"
import { newUser, openSession, setDeliveryToken } from "../../../packages/server/src/testing/identities"

let cluster: Cluster

beforeAll(async () => {
  cluster = await startCluster(2)
}, 120_000)
afterAll(() => cluster?.close())

describe("a Redis restart", () => {
  it("stops no sealed send, and cross-node delivery catches up by itself once Redis is back", async () => {
    const [a, b] = cluster.nodes.map((n) => n.url) as [string, string]
    const bob = await newUser(b)
    const recipient = { ...bob, deliveryToken: await setDeliveryToken(b, bob) }
    // Bob is connected to node B; the messages go through node A.
    const receiver = new RoamingDevice(bob, () => [b])
    await receiver.start()
    const sender = new PersistentSender(() => [a])
    for (let i = 0; i < 5; i++) await sender.send(`REDIS-before-${i}`, [recipient])
    await receiver.waitFor(sender.accepted)

    const duringOutage: string[] = []
    await withRedisDown(2000, async () => {
      for (let i = 0; i < 10; i++) {
        await sender.send(`REDIS-during-${i}`, [recipient])
        duringOutage.push(`REDIS-during-${i}`)
      }
      // A client connecting now still gets in (rate limits let it through while Redis is away).
      const late = new PersistentSender(() => [b])
      await late.send("REDIS-during-new-connection", [recipient])
      duringOutage.push("REDIS-during-new-connection")
      expect(late.errorCodes.size).toBe(0)
      await late.close()
    })
    expect(sender.accepted).toEqual(expect.arrayContaining(duringOutage.slice(0, 10)))
    // Node B hears Redis again, resubscribes, and its connections look for what they missed.
    await receiver.waitFor(duringOutage, "the messages sent while Redis was down")
    expect(receiver.reconnects).toBe(0)
    for (let i = 0; i < 5; i++) await sender.send(`REDIS-after-${i}`, [recipient])
    await receiver.waitFor(sender.accepted)
    expect([...receiver.unique()].sort()).toEqual([...sender.accepted, "REDIS-during-new-connection"].sort())

    const metrics = (await request<string>(b, "GET", "/metrics")).body
    expect(metrics).toMatch(/kith_bus_resyncs_total [1-9]/)
    // Sessions lived in Redis only: the old one is gone, a new one opens on either node.
    expect((await call(a, "keyPackageCount", { token: bob.token })).status).toBe(401)
    const token = await openSession(a, bob.device)
    expect((await call(b, "keyPackageCount", { token })).status).toBe(200)
    expect(cluster.nodes.every((node) => node.alive())).toBe(true)
    receiver.stop()
    await sender.close()
  })
})
