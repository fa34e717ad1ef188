import type { Kysely } from "kysely"
import type { Database } from "../schema"
import { chunks } from "../chunks"
import type { EngineTraits } from "./engineTraits"

/**
 * Drops one reference per mailbox entry that went away, and deletes the
 * ciphertexts nobody references any more: a ciphertext is stored once for all
 * its recipients and lives exactly as long as its last undelivered entry.
 */
export async function releaseCiphertexts(
  db: Kysely<Database>,
  ciphertextIds: string[],
  traits: Pick<EngineTraits, "lockRows">,
): Promise<number> {
  if (ciphertextIds.length === 0) return 0
  await traits.lockRows(db, "ciphertexts", ciphertextIds)
  const counts = new Map<string, number>()
  for (const id of ciphertextIds) counts.set(id, (counts.get(id) ?? 0) + 1)
  // Group ids by how many references they lose, so the common case (one each) is one statement per chunk.
  const byDrop = new Map<number, string[]>()
  for (const [id, n] of counts) byDrop.set(n, [...(byDrop.get(n) ?? []), id])
  for (const [drop, ids] of byDrop) {
    for (const chunk of chunks(ids)) {
      await db
        .updateTable("ciphertexts")
        .set((eb) => ({ refs: eb("refs", "-", drop) }))
        .where("id", "in", chunk)
        .execute()
    }
  }
  let deleted = 0
  for (const chunk of chunks([...counts.keys()])) {
    const result = await db
      .deleteFrom("ciphertexts")
      .where("id", "in", chunk)
      .where("refs", "<=", 0)
      .executeTakeFirst()
    deleted += Number(result.numDeletedRows)
  }
  return deleted
}
