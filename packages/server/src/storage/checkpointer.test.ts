import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, describe, expect, it } from "vitest"
import { Checkpointer } from "./checkpointer"

const checkpointerModule = new URL("./checkpointer.ts", import.meta.url).pathname

const dir = mkdtempSync(join(tmpdir(), "kith-checkpointer-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("Checkpointer", () => {
  it("copies the log into the database from its worker, while the main connection never checkpoints", async () => {
    const file = join(dir, "db.sqlite")
    const raw = new BetterSqlite3(file)
    raw.pragma("journal_mode = WAL")
    raw.exec("create table t (v blob)")
    const checkpointer = new Checkpointer(raw, (message) => {
      throw new Error(message)
    })
    const before = statSync(file).size
    // 2 MiB: half of what would make SQLite checkpoint by itself.
    const insert = raw.prepare("insert into t (v) values (?)")
    raw.transaction(() => {
      for (let i = 0; i < 512; i++) insert.run(Buffer.alloc(4096, i))
    })()
    expect(statSync(file).size).toBe(before)
    await expect.poll(() => statSync(file).size, { timeout: 5000 }).toBeGreaterThan(before + 2 * 1024 * 1024)
    await checkpointer.stop()
    raw.close()
  })

  it("is waited for when it stops, even in a process with nothing else to do", () => {
    // Shutting down must finish: a process whose last work is stopping the worker used to end mid-way.
    const script = `
      import BetterSqlite3 from "better-sqlite3"
      import { Checkpointer } from ${JSON.stringify(checkpointerModule)}
      const raw = new BetterSqlite3(${JSON.stringify(join(dir, "alone.sqlite"))})
      raw.pragma("journal_mode = WAL")
      await new Checkpointer(raw, () => {}).stop()
      console.log("stopped")
    `
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 30_000,
    })
    expect(run.stdout.trim()).toBe("stopped")
  })
})
