import { ErrorCode, KithError } from "@kith/protocol"
import type { Clock } from "../clock"

/**
 * Keys remembered until they expire: single-use challenges. Memory only
 * (Redis with TTLs in a cluster); nothing here outlives a restart, which at
 * worst invalidates challenges that were in flight.
 */
export interface ExpiringSet {
  /** Remembers the key; false if it is already there (and unexpired). */
  addIfAbsent(key: string, expiresAtMs: number): boolean
  /** Forgets the key; true if it was there and unexpired. */
  take(key: string): boolean
  prune(): void
}

export class MemoryExpiringSet implements ExpiringSet {
  private readonly entries = new Map<string, number>()

  constructor(
    private readonly clock: Clock,
    /** A bound on memory: past it, new keys are refused until old ones expire. */
    private readonly maxEntries = 200_000,
  ) {}

  addIfAbsent(key: string, expiresAtMs: number): boolean {
    const existing = this.entries.get(key)
    if (existing !== undefined && existing > this.clock()) return false
    if (this.entries.size >= this.maxEntries) this.prune()
    if (this.entries.size >= this.maxEntries) {
      throw new KithError(ErrorCode.Unavailable, "too many open challenges; try again shortly", {
        retryAfterMs: 1000,
      })
    }
    this.entries.set(key, expiresAtMs)
    return true
  }

  take(key: string): boolean {
    const expiresAt = this.entries.get(key)
    if (expiresAt === undefined) return false
    this.entries.delete(key)
    return expiresAt > this.clock()
  }

  prune(): void {
    const now = this.clock()
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key)
  }
}
