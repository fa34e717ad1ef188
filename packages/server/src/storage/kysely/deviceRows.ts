import type { Kysely } from "kysely"
import type { Database } from "../schema"
import { chunks } from "../chunks"
import { releaseCiphertexts } from "./ciphertextRefs"
import type { EngineTraits } from "./engineTraits"

/**
 * Deletes devices with everything hanging off them: key packages, mailbox
 * entries, and the ciphertexts only those entries needed. Run inside a transaction.
 */
export async function deleteDeviceRows(
  db: Kysely<Database>,
  deviceIds: string[],
  traits: Pick<EngineTraits, "lockRows" | "changedElsewhere">,
): Promise<number> {
  let removed = 0
  for (const chunk of chunks(deviceIds)) {
    await db.deleteFrom("key_packages").where("device_id", "in", chunk).execute()
    traits.changedElsewhere?.(chunk)
    const entries = await db
      .deleteFrom("mailbox_entries")
      .where("device_id", "in", chunk)
      .returning("ciphertext_id")
      .execute()
    await releaseCiphertexts(
      db,
      entries.map((e) => e.ciphertext_id),
      traits,
    )
    const result = await db.deleteFrom("devices").where("id", "in", chunk).executeTakeFirst()
    removed += Number(result.numDeletedRows)
  }
  return removed
}
