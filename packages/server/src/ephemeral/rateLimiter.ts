import type { Clock } from "../clock"

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number }

/**
 * Counters for abuse control, in memory (Redis with TTLs in a cluster: redisRateLimiter.ts).
 * Keys name a purpose and an account id or a salted, daily-rotated IP hash
 * (see dailyIpKeys.ts) — never an IP address.
 */
export interface RateLimiter {
  /** Spends `cost` from the key's budget of `limit` per window, if it can. */
  take(key: string, cost: number, limit: number, windowMs: number): Promise<RateDecision>
  prune(): Promise<void>
}

/** Fixed windows: simple, and a burst at a window edge costs at most twice the limit. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { endsAtMs: number; used: number }>()

  constructor(private readonly clock: Clock) {}

  async take(key: string, cost: number, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.clock()
    let window = this.windows.get(key)
    if (window === undefined || window.endsAtMs <= now) {
      window = { endsAtMs: now + windowMs, used: 0 }
      this.windows.set(key, window)
    }
    if (window.used + cost > limit) {
      return { allowed: false, retryAfterMs: cost > limit ? windowMs : window.endsAtMs - now }
    }
    window.used += cost
    return { allowed: true }
  }

  async prune(): Promise<void> {
    const now = this.clock()
    for (const [key, window] of this.windows) if (window.endsAtMs <= now) this.windows.delete(key)
  }
}
