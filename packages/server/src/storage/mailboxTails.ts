import type { MailboxEntry } from "./store"

interface TailEntry extends MailboxEntry {
  expiresAtMs: number
}

interface Tail {
  /** Committed and not yet acknowledged, consecutive. */
  entries: TailEntry[]
  /** The number after the last one committed: nothing from here on is stored yet. */
  next: number
}

/** Most entries kept per device (a connection has at most 256 in flight)… */
const MAX_ENTRIES_PER_DEVICE = 1024
/** …and in all, by payload bytes; past it the devices written to longest ago lose theirs. */
const MAX_TOTAL_BYTES = 16 * 1024 * 1024
/** Most devices with a tail (one with nothing unacknowledged costs a few dozen bytes). */
const MAX_DEVICES = 100_000

/**
 * The newest entries of each mailbox, kept in memory as they are committed,
 * so that pushing an entry just stored does not read it back from SQLite
 * (a tenth of the relay's time). For each device it holds a run of
 * consecutive sequence numbers that is COMPLETE from its first entry on:
 * every committed entry of that device with a higher number is in it. That
 * is kept true by three rules:
 * - the hot path stages its inserts inside the transaction, and they join
 *   the tails only in the same synchronous step as the commit (`commitStaged`),
 *   before any other code runs; a batch that failed or ran another way drops
 *   the tails of the devices it wrote to (`discardStaged`);
 * - every other writer of mailbox entries (commits, removing a device) drops
 *   the device's tail (`forget`) while its transaction is open, and no
 *   hot-path batch commits while one is;
 * - an append that does not follow the tail's last number starts a new tail.
 * A read that cannot be answered from a tail returns undefined and the caller
 * reads the database; acknowledged entries leave the tail, expired ones are
 * never answered from it.
 * Only for SQLite, where this process is the one writer.
 */
export class MailboxTails {
  private readonly tails = new Map<string, Tail>()
  private staged: [string, TailEntry][] = []
  private totalBytes = 0

  stage(deviceId: string, seq: number, payload: Uint8Array, expiresAtMs: number): void {
    this.staged.push([deviceId, { seq, payload, expiresAtMs }])
  }

  /** The staged entries were committed just now: they join their tails. */
  commitStaged(): void {
    for (const [deviceId, entry] of this.staged) this.append(deviceId, entry)
    this.staged = []
    this.evictOverBudget()
  }

  /** The staged entries may or may not be stored: their devices' tails are no longer known complete. */
  discardStaged(): void {
    for (const [deviceId] of this.staged) this.forget(deviceId)
    this.staged = []
  }

  /** Another writer stores entries for this device: its tail is no longer complete. */
  forget(deviceId: string): void {
    const tail = this.tails.get(deviceId)
    if (tail === undefined) return
    for (const entry of tail.entries) this.totalBytes -= entry.payload.length
    this.tails.delete(deviceId)
  }

  /** Acknowledged entries leave; one not at the front would leave a hole, so the tail goes. */
  acknowledged(deviceId: string, seqs: readonly number[]): void {
    const tail = this.tails.get(deviceId)
    if (tail === undefined) return
    const acked = new Set(seqs)
    const entries = tail.entries
    let front = 0
    while (front < entries.length && acked.has(entries[front]!.seq)) {
      this.totalBytes -= entries[front]!.payload.length
      front++
    }
    entries.splice(0, front)
    if (entries.some((entry) => acked.has(entry.seq))) this.forget(deviceId)
  }

  /** Entries after `afterSeq`, if the tail reaches back to the next one; undefined if the database must answer. */
  read(deviceId: string, afterSeq: number, limit: number, nowMs: number): MailboxEntry[] | undefined {
    const tail = this.tails.get(deviceId)
    if (tail === undefined) return undefined
    // Everything up to afterSeq was pushed, and nothing was committed after the tail's last entry.
    if (afterSeq + 1 === tail.next) return []
    const first = tail.entries[0]
    if (first === undefined) return undefined
    const start = afterSeq + 1 - first.seq
    if (start < 0 || start >= tail.entries.length) return undefined
    const run = tail.entries.slice(start, start + limit)
    if (run.some((entry) => entry.expiresAtMs <= nowMs)) return undefined
    return run.map(({ seq, payload }) => ({ seq, payload }))
  }

  private append(deviceId: string, entry: TailEntry): void {
    let tail = this.tails.get(deviceId)
    if (tail !== undefined && tail.next !== entry.seq) {
      this.forget(deviceId)
      tail = undefined
    }
    tail ??= { entries: [], next: entry.seq }
    // Re-inserted so that the map's order is the order devices were last written to.
    this.tails.delete(deviceId)
    this.tails.set(deviceId, tail)
    tail.entries.push(entry)
    tail.next = entry.seq + 1
    this.totalBytes += entry.payload.length
    if (tail.entries.length > MAX_ENTRIES_PER_DEVICE) this.totalBytes -= tail.entries.shift()!.payload.length
  }

  private evictOverBudget(): void {
    for (const deviceId of this.tails.keys()) {
      if (this.totalBytes <= MAX_TOTAL_BYTES && this.tails.size <= MAX_DEVICES) return
      this.forget(deviceId)
    }
  }
}
