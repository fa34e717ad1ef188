import type { ClientConfig } from "ts-mls"
import type { Batch } from "./batch"
import { decodeState, encodeState, epochOf, type GroupState } from "./mlsGroup"
import { KeyedMutex } from "./mutex"
import type { Clock } from "./runtime"
import type { Store } from "./store"

export const groupKey = (id: string) => `group/${id}`

/**
 * The current MLS state of each group this device is in: loaded on first use,
 * replaced only through a stored batch, one operation at a time per group.
 * Commit retries wait here for the group's epoch to move on.
 */
export class GroupStates {
  private readonly states = new Map<string, GroupState>()
  private readonly waiters = new Set<{ id: string; epoch: bigint; wake: () => void }>()
  readonly mutex = new KeyedMutex()

  constructor(
    private readonly store: Store,
    private readonly config: ClientConfig,
  ) {}

  async get(id: string): Promise<GroupState | undefined> {
    const cached = this.states.get(id)
    if (cached) return cached
    const bytes = await this.store.get(groupKey(id))
    if (!bytes) return undefined
    const state = decodeState(bytes, this.config)
    this.states.set(id, state)
    return state
  }

  set(batch: Batch, id: string, state: GroupState): void {
    batch.putBytes(groupKey(id), encodeState(state))
    batch.onStored(() => {
      this.states.set(id, state)
      for (const waiter of [...this.waiters]) {
        if (waiter.id === id && epochOf(state) > waiter.epoch) waiter.wake()
      }
    })
  }

  /** Forgets a group's keys (left or removed): its messages can no longer be read here. */
  remove(batch: Batch, id: string): void {
    batch.delete(groupKey(id))
    batch.onStored(() => {
      this.states.delete(id)
      for (const waiter of [...this.waiters]) if (waiter.id === id) waiter.wake()
    })
  }

  lock<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.mutex.run(id, task)
  }

  /** Resolves true once the group's epoch is above `epoch`, false after `timeoutMs`. */
  async waitForEpochAbove(id: string, epoch: bigint, timeoutMs: number, clock: Clock): Promise<boolean> {
    const current = await this.get(id)
    if (!current || epochOf(current) > epoch) return true
    let waiter!: { id: string; epoch: bigint; wake: () => void }
    const moved = new Promise<boolean>((resolve) => {
      waiter = { id, epoch, wake: () => resolve(true) }
      this.waiters.add(waiter)
    })
    const timer = new AbortController()
    try {
      return await Promise.race([moved, clock.sleep(timeoutMs, timer.signal).then(() => false)])
    } finally {
      timer.abort()
      this.waiters.delete(waiter)
    }
  }

  /** Wakes every waiter (the client is closing; their loops notice and stop). */
  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter.wake()
  }

  clear(): void {
    this.states.clear()
  }
}
