import type { Kysely } from "kysely"
import type { Database } from "./schema"

/** Every table of the schema, in the order they are copied (no foreign keys, so any order would do). */
export const copiedTables = [
  "server_secrets",
  "accounts",
  "devices",
  "key_packages",
  "groups",
  "ciphertexts",
  "mailbox_entries",
] as const satisfies readonly (keyof Database)[]

export type CopyReport = Record<(typeof copiedTables)[number], number>

const BATCH_ROWS = 500

/**
 * Copies every row of every table from one migrated database into another,
 * empty, migrated one, in a single transaction on the target: either all of
 * it arrives or none. Rows are read in primary-key order, a batch at a time,
 * so memory stays flat however large the source is.
 */
export async function copyDatabase(from: Kysely<Database>, to: Kysely<Database>): Promise<CopyReport> {
  for (const table of copiedTables) {
    const row = await to
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow()
    if (Number(row.n) > 0)
      throw new Error(`the target database already has rows in ${table}; refusing to mix data`)
  }
  return to.transaction().execute(async (trx) => {
    const report = {} as CopyReport
    for (const table of copiedTables) {
      let copied = 0
      for (let offset = 0; ; offset += BATCH_ROWS) {
        const rows = await readBatch(from, table, offset)
        if (rows.length === 0) break
        await trx
          .insertInto(table)
          .values(rows as never)
          .execute()
        copied += rows.length
      }
      report[table] = copied
    }
    return report
  })
}

function readBatch(db: Kysely<Database>, table: (typeof copiedTables)[number], offset: number) {
  const query = db.selectFrom(table).selectAll()
  const ordered =
    table === "mailbox_entries"
      ? query.orderBy("device_id" as never).orderBy("seq" as never)
      : query.orderBy((table === "server_secrets" ? "name" : table === "groups" ? "group_id" : "id") as never)
  return ordered.limit(BATCH_ROWS).offset(offset).execute()
}
