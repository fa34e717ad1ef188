import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openSqliteDatabase, DATABASE_FILE } from "./sqlite"

const inventoryPath = fileURLToPath(new URL("../../../../docs/data-inventory.md", import.meta.url))

/** `table.column` for every row of the inventory's tables that starts with two code-formatted names. */
function documentedColumns(): Set<string> {
  const rows = readFileSync(inventoryPath, "utf8")
    .split("\n")
    .map((line) => /^\|\s*`([a-z_]+)`\s*\|\s*`([a-z_]+)`\s*\|/.exec(line))
    .filter((m) => m !== null)
  return new Set(rows.map((m) => `${m[1]}.${m[2]}`))
}

let dataDir: string
let actual: Set<string>
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "kith-inventory-"))
  const db = await openSqliteDatabase(dataDir)
  await db.destroy()
  const sqlite = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true })
  const tables = sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all() as { name: string }[]
  actual = new Set(
    tables.flatMap(({ name }) =>
      (sqlite.prepare("select name from pragma_table_info(?)").all(name) as { name: string }[]).map(
        (column) => `${name}.${column.name}`,
      ),
    ),
  )
  sqlite.close()
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe("docs/data-inventory.md matches the database", () => {
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
