import { describe, expect, it } from "vitest"
import { MemoryExpiringSet } from "./expiringSet"
import { MemoryRateLimiter } from "./rateLimiter"
import { MemorySessionStore } from "./sessionStore"
import { DailyIpKeys } from "./dailyIpKeys"
import { MemoryProvisioningSlots } from "./provisioningSlots"

function clock(start = Date.UTC(2030, 0, 1)) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe("MemoryExpiringSet", () => {
  it("hands each key out once, until it expires", async () => {
    const c = clock()
    const set = new MemoryExpiringSet(c.now)
    expect(await set.addIfAbsent("a", c.now() + 1000)).toBe(true)
    expect(await set.addIfAbsent("a", c.now() + 1000)).toBe(false)
    expect(await set.take("a")).toBe(true)
    expect(await set.take("a")).toBe(false)
    await set.addIfAbsent("b", c.now() + 1000)
    c.advance(1000)
    expect(await set.take("b")).toBe(false)
  })

  it("refuses new keys with KITH_ERR_UNAVAILABLE when full of live ones", async () => {
    const c = clock()
    const set = new MemoryExpiringSet(c.now, 2)
    await set.addIfAbsent("a", c.now() + 10)
    await set.addIfAbsent("b", c.now() + 1000)
    await expect(set.addIfAbsent("c", c.now() + 1000)).rejects.toThrow(
      expect.objectContaining({ code: "KITH_ERR_UNAVAILABLE" }),
    )
    c.advance(10)
    expect(await set.addIfAbsent("c", c.now() + 1000)).toBe(true)
  })
})

describe("MemoryRateLimiter", () => {
  it("spends a budget per window and says when it refills", async () => {
    const c = clock()
    const limiter = new MemoryRateLimiter(c.now)
    expect(await limiter.take("k", 20, 30, 60_000)).toEqual({ allowed: true })
    c.advance(15_000)
    expect(await limiter.take("k", 11, 30, 60_000)).toEqual({ allowed: false, retryAfterMs: 45_000 })
    expect(await limiter.take("k", 10, 30, 60_000)).toEqual({ allowed: true })
    expect(await limiter.take("other", 30, 30, 60_000)).toEqual({ allowed: true })
    c.advance(45_000)
    expect(await limiter.take("k", 30, 30, 60_000)).toEqual({ allowed: true })
  })
})

describe("MemorySessionStore", () => {
  it("keeps sessions until they expire or their device is removed, and at most 16 per device", async () => {
    const c = clock()
    const sessions = new MemorySessionStore(c.now)
    const first = await sessions.open("acc", "dev", 1000)
    expect(await sessions.get(first.token)).toEqual({
      accountId: "acc",
      deviceId: "dev",
      expiresAtMs: c.now() + 1000,
    })
    const tokens: string[] = []
    for (let i = 0; i < 16; i++) tokens.push((await sessions.open("acc", "dev", 10_000)).token)
    expect(await sessions.get(first.token)).toBeUndefined()
    expect(await sessions.get(tokens[0]!)).toBeDefined()
    c.advance(10_000)
    expect(await sessions.get(tokens[15]!)).toBeUndefined()
    const late = await sessions.open("acc", "dev", 10_000)
    await sessions.endDevices(["dev"])
    expect(await sessions.get(late.token)).toBeUndefined()
  })
})

describe("DailyIpKeys", () => {
  it("gives one address the same key all day, another key the next day, and never the address", async () => {
    const c = clock()
    const keys = new DailyIpKeys(c.now)
    const today = await keys.keyFor("203.0.113.7")
    expect(await keys.keyFor("203.0.113.7")).toBe(today)
    expect(await keys.keyFor("203.0.113.8")).not.toBe(today)
    expect(today).not.toContain("203")
    c.advance(86_400_000)
    expect(await keys.keyFor("203.0.113.7")).not.toBe(today)
  })
})

describe("MemoryProvisioningSlots", () => {
  it("drops an owner's slots when the owner's account goes", async () => {
    const c = clock()
    const slots = new MemoryProvisioningSlots(c.now)
    const id = await slots.create("owner", 600_000)
    expect(await slots.putRequest(id, new Uint8Array([1]))).toBe("ok")
    await slots.dropOwner("owner")
    expect(await slots.getRequest(id, "owner")).toBeUndefined()
  })
})
