import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { SweepResult } from "../store"
import { Limits } from "@kith/protocol"
import { dayOf } from "../../clock"

const groupIdleDays = Limits.mailboxRetentionMs / 86_400_000

/**
 * Undelivered entries and their ciphertexts expire together (they share
 * expires_at); a group's epoch is forgotten once nobody committed for 30 days;
 * a report is deleted when its retention ends.
 */
export async function sweepExpired(db: Kysely<Database>, nowMs: number): Promise<SweepResult> {
  return db.transaction().execute(async (trx) => {
    const entries = await trx
      .deleteFrom("mailbox_entries")
      .where("expires_at", "<=", nowMs)
      .executeTakeFirst()
    const ciphertexts = await trx
      .deleteFrom("ciphertexts")
      .where((eb) => eb.or([eb("expires_at", "<=", nowMs), eb("refs", "<=", 0)]))
      .executeTakeFirst()
    const groups = await trx
      .deleteFrom("groups")
      .where("last_active_day", "<=", dayOf(nowMs) - groupIdleDays)
      .executeTakeFirst()
    const reports = await trx.deleteFrom("reports").where("expires_at", "<=", nowMs).executeTakeFirst()
    return {
      reports: Number(reports.numDeletedRows),
      mailboxEntries: Number(entries.numDeletedRows),
      ciphertexts: Number(ciphertexts.numDeletedRows),
      groups: Number(groups.numDeletedRows),
    }
  })
}
