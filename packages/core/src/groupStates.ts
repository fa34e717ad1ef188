import type { ClientConfig } from "ts-mls"
import type { Batch } from "./batch"
import { deleteGroupState, loadGroupState, storeGroupState } from "./groupStateStorage"
import { epochOf, type GroupState } from "./mlsGroup"
import { KeyedMutex } from "./mutex"
import type { Clock } from "./runtime"
import type { Store } from "./store"

export { groupKey } from "./groupStateStorage"

/**
 * The current MLS state of each group this device is in: loaded on first use,
 * replaced only through a stored batch, one operation at a time per group.
 * Commit retries wait here for the group's epoch to move on.
 */
export class GroupStates {
  private readonly states = new Map<string, GroupState>()
  /** Per group, the tree hashes (hex) whose trees are stored (groupStateStorage.ts). */
  private readonly storedTrees = new Map<string, Set<string>>()
  private readonly waiters = new Set<{ id: string; epoch: bigint; wake: () => void }>()
  readonly mutex = new KeyedMutex()

  constructor(
    private readonly store: Store,
    private readonly config: ClientConfig,
  ) {}

  async get(id: string): Promise<GroupState | undefined> {
    const cached = this.states.get(id)
    if (cached) return cached
    const state = await loadGroupState(this.store, id, this.config, this.treesOf(id))
    if (state) this.states.set(id, state)
    return state
  }

  set(batch: Batch, id: string, state: GroupState): void {
    storeGroupState(batch, id, state, this.treesOf(id))
    batch.onStored(() => {
      this.states.set(id, state)
      for (const waiter of [...this.waiters]) {
        if (waiter.id === id && epochOf(state) > waiter.epoch) waiter.wake()
      }
    })
  }

  /** Forgets a group's keys (left or removed): its messages can no longer be read here. */
  remove(batch: Batch, id: string): void {
    deleteGroupState(batch, id, this.treesOf(id))
    batch.onStored(() => {
      this.states.delete(id)
      for (const waiter of [...this.waiters]) if (waiter.id === id) waiter.wake()
    })
  }

  private treesOf(id: string): Set<string> {
    let trees = this.storedTrees.get(id)
    if (!trees) this.storedTrees.set(id, (trees = new Set()))
    return trees
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
