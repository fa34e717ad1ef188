import type { KithEvent } from "./events"
import { encodeRecord } from "./records"
import type { StoreOp } from "./store"

/**
 * The effects of one engine step — store writes, in-memory cache updates,
 * events, and work to start afterwards — collected so that they happen
 * together: the writes in one atomic store batch, and the rest only after the
 * writes succeeded (a crash in between must not show what was not stored).
 */
export class Batch {
  readonly ops: StoreOp[] = []
  readonly events: KithEvent[] = []
  readonly effects: (() => void)[] = []
  readonly followUps: (() => Promise<unknown>)[] = []
  /** Records written earlier in this batch, so later steps of the same batch read them, not the stale cache. */
  readonly written = new Map<string, unknown>()

  put(key: string, record: unknown): void {
    this.ops.push({ kind: "put", key, value: encodeRecord(record) })
    this.written.set(key, record)
  }

  putBytes(key: string, value: Uint8Array): void {
    this.ops.push({ kind: "put", key, value })
  }

  delete(key: string): void {
    this.ops.push({ kind: "delete", key })
  }

  emit(event: KithEvent): void {
    this.events.push(event)
  }

  /** Runs right after the writes are stored (cache updates). */
  onStored(effect: () => void): void {
    this.effects.push(effect)
  }

  /** Starts in the background once this batch is applied (replies, follow-up commits). */
  later(task: () => Promise<unknown>): void {
    this.followUps.push(task)
  }
}
