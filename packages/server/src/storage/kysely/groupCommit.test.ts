import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Kysely } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Database } from "../schema"
import { openSqliteDatabase } from "../sqlite"
import { GroupCommit } from "./groupCommit"

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
