import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import type BetterSqlite3 from "better-sqlite3"

/**
 * How often the worker copies the write-ahead log into the database. Each
 * checkpoint syncs the database file, and the log's own syncs queue behind
 * that on the disk: every 250 ms made the slowest messages slower, every
 * second keeps the log to a few MB at the relay's full rate.
 */
const CHECKPOINT_EVERY_MS = 1000
/** What SQLite does by itself when no worker checkpoints (its default, in pages). */
const AUTOCHECKPOINT_PAGES = 1000

/**
 * The worker: its own connection to the same file, running a PASSIVE
 * checkpoint (never blocks a writer or reader) every second. Plain
 * CommonJS so it runs as is, whatever compiles the server's TypeScript.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads")
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma("busy_timeout = 1000")
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)")
  } catch (error) {
    parentPort.postMessage(String(error))
  }
}, workerData.everyMs)
parentPort.on("message", () => {
  clearInterval(timer)
  db.close()
  parentPort.close()
})
`

/**
 * Moves SQLite's write-ahead-log checkpoints off the event loop. By default
 * the connection that commits past 1,000 log pages copies them into the
 * database and syncs it, inside that commit: on the relay's hot path that
 * is the server's main thread, and every message waits (the soak's p99 of
 * 145 ms). Here the main connection never checkpoints and a worker thread
 * does it. If the worker dies, the main connection checkpoints by itself
 * again, so the log cannot grow without bound.
 */
export class Checkpointer {
  private readonly worker: Worker
  private stopping = false

  constructor(raw: BetterSqlite3.Database, onError: (message: string) => void) {
    raw.pragma("wal_autocheckpoint = 0")
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        file: raw.name,
        everyMs: CHECKPOINT_EVERY_MS,
      },
    })
    this.worker.on("message", (message: string) => onError(message))
    this.worker.on("error", (error) => onError(String(error)))
    this.worker.on("exit", () => {
      if (this.stopping || !raw.open) return
      raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`)
    })
    // A server with nothing else to do may exit; the worker does not keep it alive.
    this.worker.unref()
  }

  /** Stops the worker and waits until its connection is closed. */
  async stop(): Promise<void> {
    this.stopping = true
    const exited = new Promise((resolve) => this.worker.once("exit", resolve))
    // Held again while it stops: otherwise a process with nothing else to do ends before hearing it did.
    this.worker.ref()
    this.worker.postMessage("stop")
    await exited
  }
}
