/**
 * `npm run move-to-postgres -- --data-dir ./data --database-url postgres://…`
 * Moves a single-node deployment's SQLite database into PostgreSQL, once, with
 * the server stopped: migrates both to the latest schema, refuses a target
 * that already holds data, copies every table in one transaction, and checks
 * the row counts. The SQLite file is left as it was (keep it as a backup).
 * The server secrets move too, so usernames and registration keep working.
 */
import { parseArgs } from "node:util"
import { existsSync } from "node:fs"
import { join } from "node:path"
import { openSqliteDatabase, DATABASE_FILE } from "../storage/sqlite"
import { openPostgresDatabase } from "../storage/postgres"
import { copiedTables, copyDatabase } from "../storage/copyDatabase"

const { values } = parseArgs({
  options: { "data-dir": { type: "string" }, "database-url": { type: "string" } },
})
const dataDir = values["data-dir"] ?? process.env.KITH_DATA_DIR ?? "./data"
const databaseUrl = values["database-url"] ?? process.env.KITH_DATABASE_URL

if (databaseUrl === undefined || databaseUrl === "") {
  console.error("move-to-postgres: give the target with --database-url or KITH_DATABASE_URL")
  process.exit(2)
}
if (!existsSync(join(dataDir, DATABASE_FILE))) {
  console.error(`move-to-postgres: no ${DATABASE_FILE} in ${dataDir}`)
  process.exit(2)
}

const source = await openSqliteDatabase(dataDir)
const target = await openPostgresDatabase({ url: databaseUrl })
try {
  const report = await copyDatabase(source, target)
  for (const table of copiedTables) {
    const row = await target
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow()
    if (Number(row.n) !== report[table]) throw new Error(`${table}: copied ${report[table]}, found ${row.n}`)
  }
  for (const table of copiedTables) console.log(`${table.padEnd(16)} ${report[table]} rows`)
  console.log("move-to-postgres: done; start the nodes with KITH_DATABASE_URL")
} catch (error) {
  console.error(`move-to-postgres: failed, nothing was written: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  await source.destroy()
  await target.destroy()
}
