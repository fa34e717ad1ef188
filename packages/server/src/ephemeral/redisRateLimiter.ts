import type { Redis } from "ioredis"
import type { RateDecision, RateLimiter } from "./rateLimiter"

/**
 * The fixed window of MemoryRateLimiter, atomically in Redis: the counter key
 * lives exactly one window (PX), so every node spends from the same budget
 * and nothing outlives its window. Returns 0 when allowed, else the wait in ms.
 */
const SPEND = `
local cost, limit, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
local used = 0
if ttl > 0 then used = tonumber(redis.call('GET', KEYS[1]) or '0') else ttl = window end
if used + cost > limit then
  if cost > limit then return window end
  return ttl
end
if used == 0 then redis.call('SET', KEYS[1], cost, 'PX', window) else redis.call('INCRBY', KEYS[1], cost) end
return 0`

/**
 * While Redis is away the limiter lets requests through (and says so through
 * `onAway`): a few seconds without abuse control is better than refusing
 * every new connection and friend request of the whole cluster.
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    /** e.g. `kith:rate:` */
    private readonly prefix: string,
    private readonly onAway: (error: unknown) => void = () => {},
  ) {}

  async take(key: string, cost: number, limit: number, windowMs: number): Promise<RateDecision> {
    let wait: number
    try {
      wait = (await this.redis.eval(SPEND, 1, this.prefix + key, cost, limit, windowMs)) as number
    } catch (error) {
      this.onAway(error)
      return { allowed: true }
    }
    return wait === 0 ? { allowed: true } : { allowed: false, retryAfterMs: wait }
  }

  async prune(): Promise<void> {
    // Counters expire with their window.
  }
}
