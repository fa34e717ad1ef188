import { ErrorCode, KithError } from "@kith/protocol"

/** The hint given with KITH_ERR_OVERLOADED when nothing has been measured yet. */
const DEFAULT_RETRY_AFTER_MS = 100
/** Bounds of the hint: soon enough to keep latency low, late enough to let the queue drain. */
const MIN_RETRY_AFTER_MS = 20
const MAX_RETRY_AFTER_MS = 2_000

/** Payload bytes of the writes admitted at once: bounds the memory a burst of large frames can hold. */
export const MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024

/**
 * How many Sends and SubmitCommits the server works on at once, across all
 * connections. Past the limit a new one is refused with KITH_ERR_OVERLOADED
 * (nothing stored) and a retry-after hint, instead of the write queue — and
 * the memory holding its payloads — growing without bound. The hint is how
 * long the writes already admitted take to finish at the rate they have been
 * finishing, so senders come back about when there is room.
 */
export class WriteAdmission {
  private admitted = 0
  private admittedBytes = 0
  /** Milliseconds between completions, smoothed (0: none measured yet). */
  private gapMs = 0
  private lastDoneAt = 0

  constructor(
    readonly limit: number,
    /** Payload bytes held at once; one write is always admitted when nothing else is. */
    readonly byteLimit: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get inFlight(): number {
    return this.admitted
  }

  /** Runs `write` (holding `bytes` of payload) if there is room, else throws KITH_ERR_OVERLOADED without running it. */
  async run<T>(bytes: number, write: () => Promise<T>): Promise<T> {
    const full =
      this.admitted >= this.limit || (this.admitted > 0 && this.admittedBytes + bytes > this.byteLimit)
    if (full) {
      throw new KithError(ErrorCode.Overloaded, "the server is busy; send this again later", {
        retryAfterMs: this.retryAfterMs(),
      })
    }
    this.admitted++
    this.admittedBytes += bytes
    try {
      return await write()
    } finally {
      this.admitted--
      this.admittedBytes -= bytes
      this.completed()
    }
  }

  private completed(): void {
    const at = this.now()
    const gap = this.lastDoneAt === 0 ? 0 : at - this.lastDoneAt
    this.lastDoneAt = at
    // Averaging the gaps (not their inverses) weighs a batch finishing at once correctly.
    this.gapMs = this.gapMs === 0 ? gap : 0.99 * this.gapMs + 0.01 * gap
  }

  private retryAfterMs(): number {
    if (this.gapMs === 0) return DEFAULT_RETRY_AFTER_MS
    const drainMs = this.admitted * this.gapMs
    return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, drainMs)))
  }
}
