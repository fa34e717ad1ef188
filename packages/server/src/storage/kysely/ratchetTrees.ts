import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { RatchetTreeStore } from "../ratchetTreeStore"
import { toBytes } from "../columnTypes"

export class KyselyRatchetTreeStore implements RatchetTreeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async put(
    id: string,
    ciphertext: Uint8Array,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<"stored" | "exists"> {
    return this.db.transaction().execute(async (trx) => {
      // Expired trees go as new ones arrive: the table needs no sweeper of its own.
      await trx.deleteFrom("ratchet_trees").where("expires_at", "<=", nowMs).execute()
      const inserted = await trx
        .insertInto("ratchet_trees")
        .values({ id, ciphertext, expires_at: expiresAtMs })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst()
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1 ? "stored" : "exists"
    })
  }

  async get(id: string, nowMs: number): Promise<Uint8Array | undefined> {
    const row = await this.db
      .selectFrom("ratchet_trees")
      .select("ciphertext")
      .where("id", "=", id)
      .where("expires_at", ">", nowMs)
      .executeTakeFirst()
    return row && toBytes(row.ciphertext)
  }
}
