import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Redis } from "ioredis"
import { connectRedis } from "../cluster/redisClient"
import { clearPrefix, keysUnder, testRedisPrefix, testRedisUrl } from "../testing/redisPrefix"
import { RedisSessionStore } from "./redisSessionStore"
import { RedisExpiringSet } from "./redisExpiringSet"
import { RedisRateLimiter } from "./redisRateLimiter"
import { RedisProvisioningSlots } from "./redisProvisioningSlots"
import { redisDailySalt } from "./redisDailySalt"
import { DailyIpKeys } from "./dailyIpKeys"
import { keyOf } from "./sessionStore"

/** Two connections stand for two nodes of a cluster sharing one Redis. */
let nodeA: Redis
let nodeB: Redis
const prefix = testRedisPrefix()
beforeAll(async () => {
  nodeA = await connectRedis(testRedisUrl, () => undefined)
  nodeB = await connectRedis(testRedisUrl, () => undefined)
})
afterAll(async () => {
  await clearPrefix(nodeA, prefix)
  nodeA.disconnect()
  nodeB.disconnect()
})

describe("RedisSessionStore", () => {
  it("opens a session on one node that every node accepts, stored under the token's hash only", async () => {
    const a = new RedisSessionStore(nodeA, prefix, Date.now)
    const b = new RedisSessionStore(nodeB, prefix, Date.now)
    const { token, expiresAtMs } = await a.open("acc", "dev-1", 60_000)
    expect(await b.get(token)).toEqual({ accountId: "acc", deviceId: "dev-1", expiresAtMs })
    expect(await b.get(token + "x")).toBeUndefined()
    const keys = await keysUnder(nodeA, prefix)
    expect(keys).toContain(`${prefix}session:${keyOf(token)}`)
    expect(keys.join(" ")).not.toContain(token)
    expect(await nodeA.pttl(`${prefix}session:${keyOf(token)}`)).toBeGreaterThan(55_000)
  })

  it("keeps at most 16 sessions per device and ends them all when the device goes", async () => {
    const a = new RedisSessionStore(nodeA, prefix, Date.now)
    const b = new RedisSessionStore(nodeB, prefix, Date.now)
    const tokens: string[] = []
    for (let i = 0; i < 17; i++) tokens.push((await a.open("acc", "dev-2", 60_000)).token)
    expect(await b.get(tokens[0]!)).toBeUndefined()
    expect(await b.get(tokens[1]!)).toBeDefined()
    await b.endDevices(["dev-2"])
    for (const token of tokens) expect(await a.get(token)).toBeUndefined()
    expect(await keysUnder(nodeA, `${prefix}device-sessions:dev-2`)).toEqual([])
  })

  it("lets Redis forget a session when it expires", async () => {
    const a = new RedisSessionStore(nodeA, prefix, Date.now)
    const { token } = await a.open("acc", "dev-3", 30)
    await new Promise((r) => setTimeout(r, 60))
    expect(await a.get(token)).toBeUndefined()
    expect(await nodeA.exists(`${prefix}session:${keyOf(token)}`)).toBe(0)
  })
})

describe("RedisExpiringSet", () => {
  it("hands a key out once across nodes, and not after its deadline", async () => {
    const a = new RedisExpiringSet(nodeA, `${prefix}challenge:`)
    const b = new RedisExpiringSet(nodeB, `${prefix}challenge:`)
    expect(await a.addIfAbsent("c1", Date.now() + 10_000)).toBe(true)
    expect(await b.addIfAbsent("c1", Date.now() + 10_000)).toBe(false)
    expect(await b.take("c1")).toBe(true)
    expect(await a.take("c1")).toBe(false)
    await a.addIfAbsent("c2", Date.now() + 30)
    await new Promise((r) => setTimeout(r, 60))
    expect(await b.take("c2")).toBe(false)
  })
})

describe("RedisRateLimiter", () => {
  it("spends one budget per window across nodes and says when it refills", async () => {
    const a = new RedisRateLimiter(nodeA, `${prefix}rate:`)
    const b = new RedisRateLimiter(nodeB, `${prefix}rate:`)
    expect(await a.take("k", 20, 30, 60_000)).toEqual({ allowed: true })
    const refused = await b.take("k", 11, 30, 60_000)
    expect(refused.allowed).toBe(false)
    if (!refused.allowed) {
      expect(refused.retryAfterMs).toBeGreaterThan(50_000)
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000)
    }
    expect(await b.take("k", 10, 30, 60_000)).toEqual({ allowed: true })
    expect(await a.take("k", 1, 30, 60_000)).toMatchObject({ allowed: false })
    expect(await a.take("k", 31, 30, 60_000)).toEqual({ allowed: false, retryAfterMs: 60_000 })
    expect(await a.take("short", 1, 1, 30)).toEqual({ allowed: true })
    await new Promise((r) => setTimeout(r, 60))
    expect(await b.take("short", 1, 1, 30)).toEqual({ allowed: true })
  })
})

describe("RedisRateLimiter while Redis is away", () => {
  it("lets requests through and says so, rather than refusing everyone", async () => {
    const gone = await connectRedis(testRedisUrl, () => undefined)
    gone.disconnect()
    const failures: unknown[] = []
    const limiter = new RedisRateLimiter(gone, `${prefix}rate:`, (e) => failures.push(e))
    expect(await limiter.take("k", 1, 1, 60_000)).toEqual({ allowed: true })
    expect(await limiter.take("k", 1, 1, 60_000)).toEqual({ allowed: true })
    expect(failures).toHaveLength(2)
  })
})

describe("RedisProvisioningSlots", () => {
  it("relays a linking exchange between devices on different nodes, once", async () => {
    const a = new RedisProvisioningSlots(nodeA, prefix)
    const b = new RedisProvisioningSlots(nodeB, prefix)
    const id = await a.create("owner", 60_000)
    expect(await b.putRequest(id, new Uint8Array([1]))).toBe("ok")
    expect(await a.putRequest(id, new Uint8Array([2]))).toBe("alreadySet")
    expect(await a.getRequest(id, "someone-else")).toBeUndefined()
    expect(await a.getRequest(id, "owner")).toEqual(new Uint8Array([1]))
    expect(await b.takeResponse(id)).toBeUndefined()
    expect(await a.putResponse(id, "someone-else", new Uint8Array([3]))).toBe("notFound")
    expect(await a.putResponse(id, "owner", new Uint8Array([3]))).toBe("ok")
    expect(await b.takeResponse(id)).toEqual(new Uint8Array([3]))
    expect(await a.takeResponse(id)).toBeUndefined()
    expect(await a.putRequest("no-such-slot", new Uint8Array([1]))).toBe("notFound")
  })

  it("drops an owner's slots when the owner's account goes", async () => {
    const a = new RedisProvisioningSlots(nodeA, prefix)
    const b = new RedisProvisioningSlots(nodeB, prefix)
    const id = await a.create("leaving", 60_000)
    expect(await a.putRequest(id, new Uint8Array([1]))).toBe("ok")
    await b.dropOwner("leaving")
    expect(await a.getRequest(id, "leaving")).toBeUndefined()
    expect(await keysUnder(nodeA, `${prefix}provisioning-owner:leaving`)).toEqual([])
  })
})

describe("the shared daily IP salt", () => {
  it("gives one address the same key on every node, and never the address itself", async () => {
    const a = new DailyIpKeys(Date.now, redisDailySalt(nodeA, `${prefix}ip-salt:`))
    const b = new DailyIpKeys(Date.now, redisDailySalt(nodeB, `${prefix}ip-salt:`))
    const key = await a.keyFor("203.0.113.7")
    expect(await b.keyFor("203.0.113.7")).toBe(key)
    expect(await b.keyFor("203.0.113.8")).not.toBe(key)
    const stored = await keysUnder(nodeA, `${prefix}ip-salt:`)
    expect(stored).toHaveLength(1)
    expect(await nodeA.get(stored[0]!)).not.toContain("203")
  })
})
