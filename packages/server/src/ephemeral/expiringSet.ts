import { ErrorCode, KithError } from "@kith/protocol"
import type { Clock } from "../clock"

/**
 * Keys remembered until they expire: single-use challenges. In memory, or
 * in Redis with TTLs in a cluster (redisExpiringSet.ts); never on disk, and a
 * restart at worst invalidates challenges that were in flight.
 */
export interface ExpiringSet {
  /** Remembers the key; false if it is already there (and unexpired). */
  addIfAbsent(key: string, expiresAtMs: number): Promise<boolean>
  /** Forgets the key; true if it was there and unexpired. */
  take(key: string): Promise<boolean>
  /** Forgets expired keys (Redis expires them by itself). */
  prune(): Promise<void>
}

export class MemoryExpiringSet implements ExpiringSet {
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly clock: Clock,
    /** A bound on memory: past it, new keys are refused until old ones expire. */
    private readonly maxEntries = 200_000,
  ) {}

  async addIfAbsent(key: string, expiresAtMs: number): Promise<boolean> {
    const existing = this.entries.get(key)
    if (existing !== undefined && existing > this.clock()) return false
    if (this.entries.size >= this.maxEntries) await this.prune()
    if (this.entries.size >= this.maxEntries) {
      throw new KithError(ErrorCode.Unavailable, "too many open challenges; try again shortly", {
        retryAfterMs: 1000,
      })
    }
    this.entries.set(key, expiresAtMs)
    return true
  }

  async take(key: string): Promise<boolean> {
    const expiresAt = this.entries.get(key)
    if (expiresAt === undefined) return false
    this.entries.delete(key)
    return expiresAt > this.clock()
  }

  async prune(): Promise<void> {
    const now = this.clock()
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key)
  }
}
