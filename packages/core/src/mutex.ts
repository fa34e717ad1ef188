/**
 * One lock per key (a group id): operations on the same group run one after
 * another; different groups proceed independently.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    let release!: () => void
    const current = new Promise<void>((resolve) => (release = resolve))
    const tail = previous.then(() => current)
    this.tails.set(key, tail)
    await previous
    try {
      return await task()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}

/** Tracks background work so callers can wait for quiet (sync) or shutdown (close). */
export class TaskSet {
  private readonly running = new Set<Promise<unknown>>()

  constructor(private readonly onError: (error: unknown) => void) {}

  start(task: () => Promise<unknown>): void {
    const promise: Promise<unknown> = task()
      .catch(this.onError)
      .finally(() => this.running.delete(promise))
    this.running.add(promise)
  }

  get size(): number {
    return this.running.size
  }

  /** Resolves once no task is running, including tasks started by tasks. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }
}
