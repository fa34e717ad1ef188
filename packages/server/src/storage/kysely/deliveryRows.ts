import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { DeliveryResult, StoredDelivery } from "../store"
import { toNumber } from "../columnTypes"
import { chunks } from "../chunks"
import { newId } from "../../ids"
import type { EngineTraits } from "./engineTraits"

/**
 * Stores each payload once and gives every recipient device the next sequence
 * number of its mailbox. Run inside a transaction. The rows name no sender:
 * there is no column that could hold one. Every recipient's counter row is
 * locked first, all at once and in id order, so concurrent writers queue
 * instead of deadlocking.
 */
export async function insertDeliveries(
  db: Kysely<Database>,
  deliveries: StoredDelivery[],
  expiresAtMs: number,
  traits: Pick<EngineTraits, "lockRows">,
): Promise<DeliveryResult> {
  await traits.lockRows(
    db,
    "devices",
    deliveries.flatMap((d) => d.deviceIds),
  )
  const delivered = new Set<string>()
  const unknown = new Set<string>()
  let entries = 0
  for (const delivery of deliveries) {
    const seqs = new Map<string, number>()
    for (const chunk of chunks(delivery.deviceIds)) {
      // UPDATE ... RETURNING claims the sequence numbers and locks the rows (on PostgreSQL) in one step.
      const rows = await db
        .updateTable("devices")
        .set((eb) => ({ next_seq: eb("next_seq", "+", 1) }))
        .where("id", "in", chunk)
        .returning(["id", "next_seq"])
        .execute()
      for (const row of rows) seqs.set(row.id, toNumber(row.next_seq) - 1)
    }
    for (const id of delivery.deviceIds) if (!seqs.has(id)) unknown.add(id)
    if (seqs.size === 0) continue

    const ciphertextId = newId()
    await db
      .insertInto("ciphertexts")
      .values({ id: ciphertextId, payload: delivery.payload, refs: seqs.size, expires_at: expiresAtMs })
      .execute()
    for (const chunk of chunks([...seqs], 200)) {
      await db
        .insertInto("mailbox_entries")
        .values(
          chunk.map(([deviceId, seq]) => ({
            device_id: deviceId,
            seq,
            ciphertext_id: ciphertextId,
            expires_at: expiresAtMs,
          })),
        )
        .execute()
    }
    for (const id of seqs.keys()) delivered.add(id)
    entries += seqs.size
  }
  return { delivered: [...delivered], unknown: [...unknown], entries }
}
