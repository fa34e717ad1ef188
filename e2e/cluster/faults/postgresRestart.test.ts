/**
 * PostgreSQL stops for a few seconds under two nodes: they answer
 * KITH_ERR_UNAVAILABLE (retryable) instead of crashing, recover by themselves
 * when it is back, and no accepted message is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startCluster, type Cluster } from "../support/cluster"
import { RoamingDevice } from "../support/roamingDevice"
import { PersistentSender } from "../support/persistentSender"
import { withPostgresDown } from "../support/services"
import { call, request } from "../../../packages/server/src/testing/httpClient"
import { newUser, setDeliveryToken } from "../../../packages/server/src/testing/identities"

let cluster: Cluster

beforeAll(async () => {
  cluster = await startCluster(2)
}, 120_000)
afterAll(() => cluster?.close())

describe("a PostgreSQL restart", () => {
  it("is answered with retryable errors, survived by every node, and loses no accepted message", async () => {
    const [a, b] = cluster.nodes.map((n) => n.url) as [string, string]
    const bob = await newUser(b)
    const recipient = { ...bob, deliveryToken: await setDeliveryToken(b, bob) }
    const receiver = new RoamingDevice(bob, () => [b, a])
    await receiver.start()
    const sender = new PersistentSender(() => [a, b])
    for (let i = 0; i < 5; i++) await sender.send(`PG-before-${i}`, [recipient])

    // Messages keep coming while the database goes away and comes back.
    let sending = true
    let n = 0
    const flow = (async () => {
      while (sending && n < 500) {
        await sender.send(`PG-during-${n++}`, [recipient])
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    const answersWhileDown: { status: number; code?: unknown }[] = []
    await withPostgresDown(3000, async () => {
      await new Promise((r) => setTimeout(r, 500))
      for (const url of [a, b]) {
        const health = await request(url, "GET", "/healthz")
        answersWhileDown.push({ status: health.status, code: (health.body as { code?: unknown })?.code })
        const lookup = await call(url, "keyPackageCount", { token: bob.token })
        answersWhileDown.push({ status: lookup.status, code: (lookup.body as { code?: unknown })?.code })
      }
    })
    // Give the flow a moment on the recovered database, then stop it.
    const before = sender.accepted.length
    for (let i = 0; i < 100 && sender.accepted.length < before + 5; i++)
      await new Promise((r) => setTimeout(r, 100))
    sending = false
    await flow
    for (let i = 0; i < 5; i++) await sender.send(`PG-after-${i}`, [recipient])

    for (const answer of answersWhileDown)
      expect(answer).toEqual({ status: 503, code: "KITH_ERR_UNAVAILABLE" })
    expect(cluster.nodes.every((node) => node.alive())).toBe(true)
    // The sender was told to retry, never that something broke.
    expect(sender.errorCodes.get("KITH_ERR_UNAVAILABLE") ?? 0).toBeGreaterThan(0)
    for (const code of sender.errorCodes.keys())
      expect(["KITH_ERR_UNAVAILABLE", "connection lost"]).toContain(code)
    await receiver.waitFor(sender.accepted, "every accepted message")
    expect([...receiver.unique()].sort()).toEqual([...new Set(sender.accepted)].sort())
    // No request logged an internal error for the outage: it was expected, and said so.
    // (The minutely expiry sweep, if it happened to run meanwhile, does report its failure.)
    for (const node of cluster.nodes) {
      expect(node.log.some((l) => l.includes("PostgreSQL is unavailable"))).toBe(true)
      const errors = node.log.filter((l) => l.includes('"level":50') && !l.includes("expiry sweep failed"))
      expect(errors).toEqual([])
    }
    receiver.stop()
    await sender.close()
  })
})
