import type { Redis } from "ioredis"
import type { ExpiringSet } from "./expiringSet"
import { viaRedis } from "../cluster/redisClient"

/** Single-use keys in Redis, each expiring by itself at its deadline (SET NX PXAT), shared by every node. */
export class RedisExpiringSet implements ExpiringSet {
  constructor(
    private readonly redis: Redis,
    /** e.g. `kith:session-challenge:`; one prefix per set. */
    private readonly prefix: string,
  ) {}

  async addIfAbsent(key: string, expiresAtMs: number): Promise<boolean> {
    const at = Math.max(1, Math.ceil(expiresAtMs))
    return viaRedis(async () => (await this.redis.set(this.prefix + key, "1", "PXAT", at, "NX")) === "OK")
  }

  async take(key: string): Promise<boolean> {
    return viaRedis(async () => (await this.redis.del(this.prefix + key)) === 1)
  }

  async prune(): Promise<void> {
    // Redis expires the keys itself.
  }
}
