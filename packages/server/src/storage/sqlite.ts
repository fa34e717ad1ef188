import { mkdirSync } from "node:fs"
import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { Kysely, SqliteDialect } from "kysely"
import type { Database } from "./schema"
import type { Store } from "./store"
import { migrateToLatest } from "./migrations"
import { createKyselyStore } from "./kysely/kyselyStore"
import { withStatementCache } from "./statementCache"
import { sqliteTraitsWith } from "./kysely/engineTraits"
import { SqliteMailbox } from "./sqliteMailbox"
import { Checkpointer } from "./checkpointer"

export const DATABASE_FILE = "kith.sqlite"

/**
 * Opens (creating if needed) the embedded database in `dataDir` and brings it
 * to the latest schema. WAL with synchronous=FULL: a transaction that returned
 * is on disk, so an Ok sent after it survives a crash or power loss (the
 * hot path reaches the same off the event loop: walSync.ts; checkpoints run
 * in a worker: checkpointer.ts).
 */
export async function openSqliteDatabase(dataDir: string): Promise<Kysely<Database>> {
  return (await openSqlite(dataDir)).db
}

/** The database through Kysely, and the raw connection under it (for the hot path). */
async function openSqlite(dataDir: string): Promise<{ db: Kysely<Database>; raw: BetterSqlite3.Database }> {
  mkdirSync(dataDir, { recursive: true })
  const sqlite = new BetterSqlite3(join(dataDir, DATABASE_FILE))
  sqlite.pragma("journal_mode = WAL")
  sqlite.pragma("synchronous = FULL")
  sqlite.pragma("busy_timeout = 5000")
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
  try {
    await migrateToLatest(db as Kysely<unknown>, "sqlite")
  } catch (e) {
    await db.destroy()
    throw e
  }
  return { db, raw: sqlite }
}

/** The store on SQLite; `onCheckpointError` hears of log checkpoints that failed (they are retried). */
export async function openSqliteStore(
  dataDir: string,
  onCheckpointError: (message: string) => void = () => {},
): Promise<Store> {
  const { db, raw } = await openSqlite(dataDir)
  return createKyselyStore(
    db,
    sqliteTraitsWith(
      raw,
      (r, commit) => new SqliteMailbox(r, commit),
      new Checkpointer(raw, onCheckpointError),
    ),
  )
}
