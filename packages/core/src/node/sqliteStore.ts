import Database from "better-sqlite3"
import { checkKey, prefixEnd, type Store, type StoreEntry, type StoreOp } from "../store"

/**
 * The Store on a SQLite file (better-sqlite3): one key-value table in WAL
 * mode with secure_delete, batches in one transaction. Synchronous under the hood; the async
 * interface is what browsers' IndexedDB will need.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database
  private readonly getStmt: Database.Statement<[string], { value: Buffer }>
  private readonly putStmt: Database.Statement<[string, Uint8Array]>
  private readonly deleteStmt: Database.Statement<[string]>
  private readonly rangeStmt: Database.Statement<[string, string], { key: string; value: Buffer }>
  private readonly fromStmt: Database.Statement<[string], { key: string; value: Buffer }>
  private readonly applyBatch: (ops: StoreOp[]) => void

  constructor(readonly path: string) {
    this.db = new Database(path)
    this.db.pragma("journal_mode = WAL")
    this.db.pragma("synchronous = NORMAL")
    // Deleted records (expired or "delete for me" messages) are overwritten with zeros in the
    // database and WAL instead of lingering in free pages where a forensic read would find them.
    this.db.pragma("secure_delete = ON")
    this.db.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
    this.getStmt = this.db.prepare("SELECT value FROM kv WHERE key = ?")
    this.putStmt = this.db.prepare(
      "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    this.deleteStmt = this.db.prepare("DELETE FROM kv WHERE key = ?")
    this.rangeStmt = this.db.prepare("SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key")
    this.fromStmt = this.db.prepare("SELECT key, value FROM kv WHERE key >= ? ORDER BY key")
    this.applyBatch = this.db.transaction((ops: StoreOp[]) => {
      for (const op of ops) {
        if (op.kind === "put") this.putStmt.run(op.key, op.value)
        else this.deleteStmt.run(op.key)
      }
    })
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const row = this.getStmt.get(key)
    return row && new Uint8Array(row.value)
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.batch([{ kind: "put", key, value }])
  }

  async delete(key: string): Promise<void> {
    await this.batch([{ kind: "delete", key }])
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const end = prefixEnd(prefix)
    const rows = end === undefined ? this.fromStmt.all(prefix) : this.rangeStmt.all(prefix, end)
    return rows.map((row) => ({ key: row.key, value: new Uint8Array(row.value) }))
  }

  async batch(ops: StoreOp[]): Promise<void> {
    for (const op of ops) checkKey(op.key)
    this.applyBatch(ops)
  }

  /**
   * secure_delete zeroes freed space in the newest page versions, but older
   * versions of a page still sit in the WAL until a checkpoint: TRUNCATE
   * copies the newest ones into the database file and empties the WAL.
   */
  async scrub(): Promise<void> {
    this.db.pragma("wal_checkpoint(TRUNCATE)")
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}
