import type { Kysely } from "kysely"
import type { Database } from "../schema"

type Work<T> = (trx: Kysely<Database>) => Promise<T>

interface Pending {
  work: Work<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Most writes one transaction takes on. */
const MAX_BATCH = 256

/**
 * Group commit: small write transactions that arrive together (sends, acks,
 * commits from many connections) run one after another inside a single
 * database transaction, so they share one fsync instead of paying one each.
 * Each caller's promise settles only after that transaction is durable. If
 * any of them fails, the whole transaction rolls back and every caller in it
 * gets the error — nobody is told Ok for a write that was undone. Order is
 * preserved, so a compare-and-set later in a batch sees the writes before it.
 */
export class GroupCommit {
  private readonly queue: Pending[] = []
  private scheduled = false

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    // Let the frames already received join this batch.
    setImmediate(() => void this.flush())
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH)
    try {
      const results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = []
        for (const item of batch) out.push(await item.work(trx))
        return out
      })
      batch.forEach((item, i) => item.resolve(results[i]))
    } catch (error) {
      for (const item of batch) item.reject(error)
    } finally {
      this.scheduled = false
      if (this.queue.length > 0) this.schedule()
    }
  }
}
