/**
 * `npm run reports -- [--data-dir ./data | --database-url postgres://…] [--delete <report id>]`
 * The operator's view of what users reported: one JSON line per report not
 * yet expired (id, reason, the reported messages as the reporter sent them,
 * when it expires). `--delete` removes one report once it has been dealt
 * with. The output holds plaintext users chose to share: treat it as such.
 */
import { parseArgs } from "node:util"
import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { Kysely, PostgresDialect, SqliteDialect } from "kysely"
import pg from "pg"
import type { Database } from "../storage/schema"
import { DATABASE_FILE } from "../storage/sqlite"
import { KyselyReportStore } from "../storage/kysely/reports"

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string" },
    "database-url": { type: "string" },
    delete: { type: "string" },
  },
})
const databaseUrl = values["database-url"] ?? process.env.KITH_DATABASE_URL
const dataDir = values["data-dir"] ?? process.env.KITH_DATA_DIR ?? "./data"
const toDelete = values.delete

const db = new Kysely<Database>({
  dialect:
    databaseUrl !== undefined && databaseUrl !== ""
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) })
      : new SqliteDialect({
          // Read-only unless a report is to be deleted: listing never changes the database.
          database: new BetterSqlite3(join(dataDir, DATABASE_FILE), {
            readonly: toDelete === undefined,
            fileMustExist: true,
          }),
        }),
})

try {
  if (toDelete !== undefined) {
    const result = await db.deleteFrom("reports").where("id", "=", toDelete).executeTakeFirst()
    const deleted = Number(result.numDeletedRows)
    console.log(deleted === 1 ? `reports: deleted ${toDelete}` : `reports: no report ${toDelete}`)
    if (deleted !== 1) process.exitCode = 1
  } else {
    for (const report of await new KyselyReportStore(db).list(Date.now())) {
      console.log(JSON.stringify({ ...report, expiresAt: new Date(report.expiresAtMs).toISOString() }))
    }
  }
} catch (error) {
  console.error(`reports: failed: ${(error as Error).message}`)
  process.exitCode = 1
} finally {
  await db.destroy()
}
