import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Kysely } from "kysely"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Database } from "../schema"
import { openSqliteDatabase } from "../sqlite"
import { GroupCommit } from "./groupCommit"
import { WalSync } from "../walSync"

let dir: string
let db: Kysely<Database>
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kith-group-commit-"))
  db = await openSqliteDatabase(dir)
})
afterAll(async () => {
  await db.destroy()
  rmSync(dir, { recursive: true, force: true })
})

const secret = (name: string) => (trx: Kysely<Database>) =>
  trx
    .insertInto("server_secrets")
    .values({ name, value: new Uint8Array([1]) })
    .execute()
const names = async () => (await db.selectFrom("server_secrets").select("name").execute()).map((r) => r.name)

describe("GroupCommit", () => {
  it("runs concurrent writes in order, each seeing the ones before it", async () => {
    const commit = new GroupCommit(db)
    const seen = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        commit.run(async (trx) => {
          await secret(`order-${i}`)(trx)
          return (
            await trx.selectFrom("server_secrets").select("name").where("name", "like", "order-%").execute()
          ).length
        }),
      ),
    )
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })

  it("rolls the whole batch back when one write fails, and tells every caller", async () => {
    const commit = new GroupCommit(db)
    const outcomes = await Promise.allSettled([
      commit.run(secret("batch-a")),
      commit.run(secret("batch-a")), // primary key violation
      commit.run(secret("batch-b")),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"])
    expect((await names()).filter((n) => n.startsWith("batch-"))).toEqual([])
    // The next batch is unaffected.
    await commit.run(secret("batch-c"))
    expect(await names()).toContain("batch-c")
  })
})

describe("GroupCommit syncing off the event loop", () => {
  it("tells no caller Ok when the log could not be synced", async () => {
    const raw = new BetterSqlite3(join(dir, "kith.sqlite"))
    const commit = new GroupCommit(db, raw, new WalSync(join(dir, "no-such-log")))
    const outcomes = await Promise.allSettled([commit.runSync(() => 1), commit.runSync(() => 2)])
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"])
    raw.close()
  })

  it("answers with each caller's result once the log is synced", async () => {
    const raw = new BetterSqlite3(join(dir, "kith.sqlite"))
    const commit = new GroupCommit(db, raw, new WalSync(join(dir, "kith.sqlite-wal")))
    const insert = raw.prepare("insert into server_secrets (name, value) values (?, ?)")
    const results = await Promise.all(
      ["synced-a", "synced-b"].map((name) =>
        commit.runSync(() => insert.run(name, Buffer.from([1])).changes),
      ),
    )
    expect(results).toEqual([1, 1])
    expect(await names()).toEqual(expect.arrayContaining(["synced-a", "synced-b"]))
    raw.close()
  })
})
