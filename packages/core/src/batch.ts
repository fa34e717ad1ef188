import type { KithEvent } from "./events"
import { encodeRecord } from "./records"
import type { StoreOp } from "./store"

interface Patch {
  key: string
  read: () => unknown
  change: (current: unknown) => unknown
  stored: (value: unknown) => void
}

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
  private readonly patches: Patch[] = []

  put(key: string, record: unknown): void {
    this.ops.push({ kind: "put", key, value: encodeRecord(record) })
  }

  /**
   * A read-modify-write of a shared record (a contact, the account's meta),
   * evaluated when the batch is applied — under the engine's write lock,
   * against the latest value — so concurrent steps never lose each other's
   * changes. `change` must be a pure function of the current value.
   */
  patch<T>(
    key: string,
    read: () => T | undefined,
    change: (current: T | undefined) => T | undefined,
    stored: (value: T) => void,
  ): void {
    this.patches.push({ key, read, change, stored } as Patch)
  }

  /** The value a patched record will have once this batch is applied (as far as known now). */
  peek<T>(key: string, read: () => T | undefined): T | undefined {
    let value = read()
    for (const p of this.patches) if (p.key === key) value = (p.change(value) as T | undefined) ?? value
    return value
  }

  /** Evaluates the patches against the latest values: their store writes, and their cache updates for after. */
  resolvePatches(): StoreOp[] {
    const values = new Map<string, unknown>()
    const ops: StoreOp[] = []
    for (const p of this.patches) {
      const current = values.has(p.key) ? values.get(p.key) : p.read()
      const next = p.change(current)
      if (next === undefined) continue
      values.set(p.key, next)
      ops.push({ kind: "put", key: p.key, value: encodeRecord(next) })
      this.effects.push(() => p.stored(next))
    }
    return ops
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
