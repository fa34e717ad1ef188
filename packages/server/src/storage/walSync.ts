import { close, fsync, openSync } from "node:fs"

/**
 * Makes committed SQLite transactions durable without stopping the event loop.
 *
 * With `synchronous=FULL`, SQLite calls fsync on the write-ahead log inside
 * the commit, and better-sqlite3 runs the commit on the main thread: for the
 * disk's sync time (3 ms here) the server reads no frame and answers no one.
 * The hot path's batches therefore commit with `synchronous=NORMAL` (the log
 * is written, not yet synced) and then call `sync()`, which fsyncs the log
 * file in libuv's thread pool; callers are told Ok only after it returns. By
 * then every frame of their transaction is on disk — the same guarantee FULL
 * gives, reached off the event loop. fsync works on the file, not on the
 * descriptor, so our own read-only descriptor of the log covers SQLite's writes.
 * SQLite deletes the log only when its last connection closes, so the
 * descriptor stays on the right file while the store is open.
 *
 * Sync rounds never overlap: a call made while a round is running waits for
 * the next round, which starts when this one ends and covers everything
 * committed by then — so transactions committed during one sync share the next.
 */
export class WalSync {
  private fd: number | undefined
  private running = false
  private closed = false
  /** Callers whose commits the running round may not cover: they wait for the next. */
  private next: { resolve: () => void; reject: (error: unknown) => void }[] = []

  constructor(private readonly walPath: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.next.push({ resolve, reject })
      if (!this.running) this.round()
    })
  }

  /** Closes the descriptor; rounds already started still finish. */
  close(): void {
    this.closed = true
    if (!this.running && this.fd !== undefined) close(this.fd, () => {})
  }

  private round(): void {
    const waiters = this.next
    this.next = []
    this.running = true
    const finish = (error: unknown) => {
      this.running = false
      for (const w of waiters) {
        if (error) w.reject(error)
        else w.resolve()
      }
      if (this.next.length > 0) this.round()
      else if (this.closed && this.fd !== undefined) close(this.fd, () => {})
    }
    try {
      // Opened on first use: the log exists once the first transaction has committed.
      this.fd ??= openSync(this.walPath, "r")
    } catch (error) {
      return finish(error)
    }
    fsync(this.fd, finish)
  }
}
