import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import BetterSqlite3 from "better-sqlite3"
import { beforeAll, describe, expect, it } from "vitest"
import { openSqliteDatabase, DATABASE_FILE } from "./sqlite"
import { openPostgresDatabase } from "./postgres"
import { createTestDatabase } from "../testing/postgresDatabase"
import { storageEngines, type StorageEngine } from "../testing/testServer"

const inventoryPath = fileURLToPath(new URL("../../../../docs/data-inventory.md", import.meta.url))

/** `table.column` for every row of the inventory's tables that starts with two code-formatted names. */
function documentedColumns(): Set<string> {
  const rows = readFileSync(inventoryPath, "utf8")
    .split("\n")
    .map((line) => /^\|\s*`([a-z_]+)`\s*\|\s*`([a-z_]+)`\s*\|/.exec(line))
    .filter((m) => m !== null)
  return new Set(rows.map((m) => `${m[1]}.${m[2]}`))
}

/** `table.column` of every table in a freshly migrated database of the engine. */
async function migratedColumns(engine: StorageEngine): Promise<Set<string>> {
  if (engine === "postgres") {
    const database = await createTestDatabase()
    try {
      const db = await openPostgresDatabase({ url: database.url })
      await db.destroy()
      const rows = await database.query<{ table_name: string; column_name: string }>(
        "select table_name, column_name from information_schema.columns where table_schema = 'public'",
      )
      return new Set(rows.map((r) => `${r.table_name}.${r.column_name}`))
    } finally {
      await database.drop()
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), "kith-inventory-"))
  try {
    const db = await openSqliteDatabase(dataDir)
    await db.destroy()
    const sqlite = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true })
    const tables = sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as { name: string }[]
    const columns = new Set(
      tables.flatMap(({ name }) =>
        (sqlite.prepare("select name from pragma_table_info(?)").all(name) as { name: string }[]).map(
          (column) => `${name}.${column.name}`,
        ),
      ),
    )
    sqlite.close()
    return columns
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

describe.each(storageEngines)("docs/data-inventory.md matches the %s database", (engine) => {
  let actual: Set<string>
  beforeAll(async () => {
    actual = await migratedColumns(engine)
  })

  it("lists every table and column the migrations create", () => {
    const documented = documentedColumns()
    const missing = [...actual].filter((c) => !documented.has(c))
    expect(missing, "columns the server stores but the inventory does not list").toEqual([])
  })

  it("lists nothing the database does not have", () => {
    const stale = [...documentedColumns()].filter((c) => !actual.has(c))
    expect(stale, "columns the inventory lists but the database does not have").toEqual([])
  })

  it("reads a real schema (the check cannot pass on an empty database)", () => {
    expect(actual.has("mailbox_entries.device_id")).toBe(true)
    expect(actual.size).toBeGreaterThan(25)
  })
})
