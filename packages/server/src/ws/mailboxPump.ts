import type { MailboxEntry, MailboxStore } from "../storage/store"
import type { Clock } from "../clock"
import { KithError } from "@kith/protocol"

/** When the store is away for a moment, how soon a pump tries again (unless the error says). */
const RETRY_AFTER_MS = 1000

/** At most this many pushed-but-unacknowledged entries per connection… */
export const MAX_IN_FLIGHT_ENTRIES = 256
/** …and about this many bytes of them (one entry is always allowed). */
export const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024

export interface PumpOutput {
  entry(entry: MailboxEntry): void
  caughtUp(): void
  failed(error: unknown): void
}

/**
 * Streams one device's mailbox to its connection in sequence order: first the
 * backlog that existed when it authenticated (then CaughtUp, once), then live
 * entries as the bus announces them. Acknowledgements make room: a slow
 * reader is sent no more than it has room for, and whatever was pushed but
 * not acknowledged stays in the store for the next connection. If the store
 * is away for a moment (a retryable error: a database restart, a cut
 * connection), the pump tries again by itself instead of giving up.
 */
export class MailboxPump {
  private lastPushedSeq = 0
  private readonly inFlight = new Map<number, number>()
  private inFlightBytes = 0
  private caughtUpSent = false
  private running = false
  private again = false
  private stopped = false
  private retry: NodeJS.Timeout | undefined

  constructor(
    private readonly deviceId: string,
    /** The last sequence number handed out when the device authenticated. */
    private readonly backlogUntilSeq: number,
    private readonly mailboxes: MailboxStore,
    private readonly clock: Clock,
    private readonly output: PumpOutput,
  ) {}

  /** Something may have changed (news, acks): push what there is room for. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    void this.run()
  }

  acknowledged(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const size = this.inFlight.get(seq)
      if (size === undefined) continue
      this.inFlight.delete(seq)
      this.inFlightBytes -= size
    }
    this.kick()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retry)
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false
        await this.pushWhatFits()
      } while (this.again && !this.stopped)
    } catch (error) {
      if (error instanceof KithError && error.retryable) {
        this.retryLater(error.details.retryAfterMs ?? RETRY_AFTER_MS)
      } else {
        this.stopped = true
        this.output.failed(error)
      }
    } finally {
      this.running = false
    }
  }

  private async pushWhatFits(): Promise<void> {
    while (!this.stopped) {
      const room = MAX_IN_FLIGHT_ENTRIES - this.inFlight.size
      if (room <= 0 || this.inFlightBytes >= MAX_IN_FLIGHT_BYTES) return
      const entries = await this.mailboxes.fetch(this.deviceId, this.lastPushedSeq, room, this.clock())
      if (this.stopped) return
      let drained = entries.length < room
      for (const entry of entries) {
        if (this.inFlightBytes >= MAX_IN_FLIGHT_BYTES) {
          drained = false
          break
        }
        if (!this.caughtUpSent && entry.seq > this.backlogUntilSeq) this.sendCaughtUp()
        this.inFlight.set(entry.seq, entry.payload.length)
        this.inFlightBytes += entry.payload.length
        this.lastPushedSeq = entry.seq
        this.output.entry(entry)
      }
      if (drained) {
        if (!this.caughtUpSent) this.sendCaughtUp()
        return
      }
    }
  }

  private retryLater(ms: number): void {
    if (this.retry !== undefined || this.stopped) return
    this.retry = setTimeout(() => {
      this.retry = undefined
      this.kick()
    }, ms)
    this.retry.unref()
  }

  private sendCaughtUp(): void {
    this.caughtUpSent = true
    this.output.caughtUp()
  }
}
