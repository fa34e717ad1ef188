/**
 * `npm run migrate -- [--database-url postgres://… | --data-dir ./data]`
 * Brings a database to the latest schema with the one migration set both
 * engines share, and says what it applied. Nodes also migrate when they start
 * (one at a time, behind the migrator's lock); this command lets an operator
 * do it first, e.g. before a rolling upgrade.
 */
import { parseArgs } from "node:util"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { Kysely, PostgresDialect, SqliteDialect } from "kysely"
import { Migrator } from "kysely/migration"
import pg from "pg"
import { migrations } from "../storage/migrations"
import { DATABASE_FILE } from "../storage/sqlite"
import type { SqlDialectName } from "../storage/columnTypes"

const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, "database-url": { type: "string" } },
})
const databaseUrl = values["database-url"] ?? process.env.KITH_DATABASE_URL
const dataDir = values["data-dir"] ?? process.env.KITH_DATA_DIR ?? "./data"

let dialect: SqlDialectName
let db: Kysely<unknown>
if (databaseUrl !== undefined && databaseUrl !== "") {
  dialect = "postgres"
  db = new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
  })
} else {
  dialect = "sqlite"
  mkdirSync(dataDir, { recursive: true })
  db = new Kysely({
    dialect: new SqliteDialect({ database: new BetterSqlite3(join(dataDir, DATABASE_FILE)) }),
  })
}

try {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } })
  const { error, results } = await migrator.migrateToLatest()
  for (const result of results ?? []) console.log(`${result.migrationName}: ${result.status}`)
  if (error !== undefined) throw error
  console.log(
    `migrate: the ${dialect === "postgres" ? "PostgreSQL" : "SQLite"} database is at the latest schema` +
      ((results ?? []).length === 0 ? " (nothing to do)" : ""),
  )
} catch (error) {
  console.error(`migrate: failed: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  await db.destroy()
}
