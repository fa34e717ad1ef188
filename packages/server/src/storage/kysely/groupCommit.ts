import type { Kysely } from "kysely"
import type BetterSqlite3 from "better-sqlite3"
import type { Database } from "../schema"
import type { WalSync } from "../walSync"

type Work<T> = (trx: Kysely<Database>) => Promise<T>

interface Pending {
  /** Work through Kysely (awaits between statements)… */
  work?: Work<unknown>
  /** …or work that runs its statements synchronously on the raw connection. */
  sync?: () => unknown
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Told how each batch of synchronous work ended (mailboxTails.ts keeps what was committed). */
export interface BatchObserver {
  /** The batch's synchronous transaction has just committed; nothing else has run since. */
  committed(): void
  /** The batch failed, or ran inside an asynchronous transaction: what it staged is uncertain. */
  abandoned(): void
}

/** Most writes one transaction takes on. */
const MAX_BATCH = 1024

/**
 * Group commit: small write transactions that arrive together (sends, acks,
 * commits from many connections) run one after another inside a single
 * database transaction, so they share one fsync instead of paying one each.
 * Each caller's promise settles only after that transaction is durable. If
 * any of them fails, the whole transaction rolls back and every caller in it
 * gets the error — nobody is told Ok for a write that was undone. Order is
 * preserved, so a compare-and-set later in a batch sees the writes before it.
 *
 * With the raw SQLite connection under Kysely, a batch made only of
 * synchronous work (the two writes every message makes) runs as one
 * synchronous transaction: no promise per statement, and no moment at which
 * the connection holds an open transaction while the event loop turns — so
 * reads on the raw connection between batches only ever see committed rows.
 * Given a WalSync, such a batch commits without syncing the disk on the event
 * loop; the next batch may start at once, and this one's callers hear back
 * once the log is synced (walSync.ts) — durable before anyone is told.
 */
export class GroupCommit {
  private readonly queue: Pending[] = []
  private scheduled = false
  private observer: BatchObserver | undefined
  /** Prepared once: two statements every batch runs. */
  private syncModes: { normal: BetterSqlite3.Statement; full: BetterSqlite3.Statement } | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: BetterSqlite3.Database,
    private readonly walSync?: WalSync,
  ) {}

  observe(observer: BatchObserver): void {
    this.observer = observer
  }

  run<T>(work: Work<T>): Promise<T> {
    return this.push({ work })
  }

  /** Queues work that runs synchronously on the raw connection, inside the batch's transaction. */
  runSync<T>(sync: () => T): Promise<T> {
    return this.push({ sync })
  }

  private push<T>(item: Pick<Pending, "work" | "sync">): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ ...item, resolve: resolve as (value: unknown) => void, reject })
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
    if (this.walSync !== undefined && this.canRunSynchronously(batch)) return this.flushSyncingLater(batch)
    try {
      const results = this.canRunSynchronously(batch)
        ? this.transactionOf(batch)
        : await this.db.transaction().execute(async (trx) => {
            const out: unknown[] = []
            for (const item of batch) out.push(item.sync ? item.sync() : await item.work!(trx))
            return out
          })
      batch.forEach((item, i) => item.resolve(results[i]))
    } catch (error) {
      for (const item of batch) item.reject(error)
    } finally {
      this.observer?.abandoned()
      this.scheduled = false
      if (this.queue.length > 0) this.schedule()
    }
  }

  private flushSyncingLater(batch: Pending[]): void {
    const fail = (error: unknown) => batch.forEach((item) => item.reject(error))
    let results: unknown[]
    try {
      results = this.commitUnsynced(batch)
      this.observer?.committed()
    } catch (error) {
      this.observer?.abandoned()
      return fail(error)
    } finally {
      this.scheduled = false
      if (this.queue.length > 0) this.schedule()
    }
    this.walSync!.sync().then(() => batch.forEach((item, i) => item.resolve(results[i])), fail)
  }

  /** The batch's transaction, its log written but not yet synced (every other transaction stays FULL). */
  private commitUnsynced(batch: Pending[]): unknown[] {
    const raw = this.raw!
    this.syncModes ??= {
      normal: raw.prepare("pragma synchronous = NORMAL"),
      full: raw.prepare("pragma synchronous = FULL"),
    }
    this.syncModes.normal.run()
    try {
      return this.transactionOf(batch)
    } finally {
      this.syncModes.full.run()
    }
  }

  /** A batch of synchronous work as one transaction on the raw connection. */
  private transactionOf(batch: Pending[]): unknown[] {
    return this.raw!.transaction(() => batch.map((item) => item.sync!()))()
  }

  /** Only synchronous work, and no Kysely transaction open on the connection (it would nest). */
  private canRunSynchronously(batch: Pending[]): boolean {
    return this.raw !== undefined && !this.raw.inTransaction && batch.every((item) => item.sync !== undefined)
  }
}
