import { Kysely, PostgresDialect } from "kysely"
import pg from "pg"
import type { Database } from "./schema"
import type { Store } from "./store"
import { migrateToLatest } from "./migrations"
import { createKyselyStore } from "./kysely/kyselyStore"
import { lockRowsInOrder, type EngineTraits } from "./kysely/engineTraits"
import { isDatabaseAway, isLostRace, retryLostRaces } from "./postgresErrors"
import { PostgresWriteBatches } from "./postgresWriteBatches"
import { withUnavailableErrors } from "./unavailableStore"

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  url: string
  /** Connections this node keeps open (default 10). */
  poolSize?: number
  /** Told about connection trouble the pool sees between queries (idle connections dropped by a restart). */
  onPoolError?: (error: unknown) => void
  /** Told about every request that failed because the database was away. */
  onAway?: (error: unknown) => void
}

/**
 * PostgreSQL's behaviour for the shared store: every write is its own
 * transaction (PostgreSQL already shares WAL flushes between concurrent
 * commits), run again if it lost a race; rows updated in place are locked in
 * id order; key-package claims skip rows another node is taking; deliveries
 * and acknowledgements arriving together go to the database as one
 * statement each (postgresWriteBatches.ts).
 */
export const postgresTraits: EngineTraits = {
  writes: (db) => (work) => retryLostRaces(() => db.transaction().execute(work)),
  lockRows: lockRowsInOrder,
  skipLocked: true,
  mailboxWrites: (db) => new PostgresWriteBatches(db),
}

/** A pooled Kysely over PostgreSQL, brought to the latest schema (the same migrations as SQLite). */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Kysely<Database>> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // While the database is away, fail a request in seconds instead of queueing it for ever.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  })
  // Without a listener, an idle connection dropped by a database restart would crash the process.
  pool.on("error", (error) => options.onPoolError?.(error))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    await migrateToLatest(db as Kysely<unknown>, "postgres")
  } catch (e) {
    await db.destroy()
    throw e
  }
  return db
}

export async function openPostgresStore(options: PostgresOptions): Promise<Store> {
  const db = await openPostgresDatabase(options)
  const store = createKyselyStore(db, postgresTraits)
  // Every node sweeps; when two sweeps and the acknowledgements meet on the same rows, the loser runs again.
  const sweepExpired = store.sweepExpired
  store.sweepExpired = (nowMs) => retryLostRaces(() => sweepExpired(nowMs))
  return withUnavailableErrors(
    store,
    (error) => isDatabaseAway(error) || isLostRace(error),
    (error) => options.onAway?.(error),
  )
}
