import { randomBytes } from "node:crypto"
import type { Redis } from "ioredis"

/** The local Redis the tests use (scripts/ensure-services.sh starts it). */
export const testRedisUrl = process.env.KITH_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0"

/** A key prefix of its own for one test file, so suites sharing the Redis never see each other's keys. */
export function testRedisPrefix(): string {
  return `kith-test-${randomBytes(6).toString("hex")}:`
}

/** Every key under the prefix (SCAN, bounded), to check what a test left in Redis. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = "0"
  for (let i = 0; i < 10_000; i++) {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000)
    keys.push(...batch)
    cursor = next
    if (cursor === "0") break
  }
  return keys
}

/** Deletes everything a test put under its prefix. */
export async function clearPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix)
  if (keys.length > 0) await redis.del(...keys)
}
