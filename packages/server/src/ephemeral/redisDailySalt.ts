import type { Redis } from "ioredis"
import { fromBase64Url, toBase64Url } from "@kith/protocol"
import type { DailySalt } from "./dailyIpKeys"
import { randomBytesArray } from "../ids"
import { viaRedis } from "../cluster/redisClient"

/** The salt outlives its day by at most this much (a node whose clock lags still finds it). */
const KEEP_MS = 26 * 3600 * 1000

/**
 * One IP salt per day for the whole cluster: the first node to need it puts
 * a random one in Redis (SET NX), every node reads that one, and Redis
 * forgets it a little after its day ends. Never written to disk.
 */
export function redisDailySalt(redis: Redis, prefix: string): DailySalt {
  return (day) =>
    viaRedis(async () => {
      const key = `${prefix}${day}`
      await redis.set(key, toBase64Url(randomBytesArray(32)), "PX", KEEP_MS, "NX")
      const value = await redis.get(key)
      const salt = value === null ? undefined : fromBase64Url(value)
      if (salt === undefined) throw new Error("IP salt missing")
      return salt
    })
}
