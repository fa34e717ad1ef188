import { sql, type Kysely } from "kysely"
import type { Database } from "./schema"
import type { DeliveryResult, StoredDelivery } from "./store"
import type { MailboxWrites } from "./kysely/engineTraits"
import { insertDeliveries } from "./kysely/deliveryRows"
import { lockRowsInOrder } from "./kysely/engineTraits"
import { newId } from "../ids"
import { retryLostRaces } from "./postgresErrors"

/**
 * One delivery as one statement: lock the recipients' counter rows in id
 * order, take a sequence number for each, store the payload once with its
 * reference count and one entry per recipient. As a single statement it
 * needs no transaction around it and costs one round trip, where the
 * portable path takes six.
 */
async function deliverOne(
  db: Kysely<Database>,
  delivery: StoredDelivery,
  expiresAtMs: number,
): Promise<string[]> {
  const { rows } = await sql<{ device_id: string }>`
    with locked as (
      select id from devices where id = any(${delivery.deviceIds}::text[]) order by id for update
    ), bumped as (
      update devices d set next_seq = d.next_seq + 1 from locked where d.id = locked.id
      returning d.id, d.next_seq - 1 as seq
    ), stored as (
      insert into ciphertexts (id, payload, refs, expires_at)
      select ${newId()}, ${delivery.payload}, count(*), ${expiresAtMs}::bigint from bumped having count(*) > 0
      returning id
    )
    insert into mailbox_entries (device_id, seq, ciphertext_id, expires_at)
    select bumped.id, bumped.seq, stored.id, ${expiresAtMs}::bigint from bumped cross join stored
    returning device_id`.execute(db)
  return rows.map((r) => r.device_id)
}

/**
 * An acknowledgement as one statement: delete the entries, then for each
 * ciphertext they pointed to (locked in id order) either delete it, if these
 * were its last references, or lower its count.
 */
async function ackAll(db: Kysely<Database>, deviceId: string, seqs: number[]): Promise<number> {
  const { rows } = await sql<{ deleted: string | number }>`
    with gone as (
      delete from mailbox_entries where device_id = ${deviceId} and seq = any(${seqs}::bigint[])
      returning ciphertext_id
    ), counts as (
      select ciphertext_id as id, count(*) as n from gone group by ciphertext_id
    ), locked as (
      select c.id, c.refs, counts.n from ciphertexts c join counts on c.id = counts.id order by c.id for update of c
    ), dropped as (
      delete from ciphertexts c using locked where c.id = locked.id and locked.refs <= locked.n returning c.id
    ), kept as (
      update ciphertexts c set refs = c.refs - locked.n from locked where c.id = locked.id and locked.refs > locked.n
      returning c.id
    )
    select (select count(*) from gone) as deleted`.execute(db)
  return Number(rows[0]?.deleted ?? 0)
}

/** PostgreSQL's statements for the two writes every message makes: its delivery and its acknowledgement. */
export const postgresMailboxWrites: MailboxWrites = {
  async deliver(db, writes, deliveries, expiresAtMs): Promise<DeliveryResult> {
    if (deliveries.length !== 1) {
      // Several payloads in one frame: lock every recipient first, in one order, then store them together.
      return writes(async (trx) => {
        await lockRowsInOrder(
          trx,
          "devices",
          deliveries.flatMap((d) => d.deviceIds),
        )
        return insertDeliveries(trx, deliveries, expiresAtMs, { lockRows: async () => {} })
      })
    }
    const delivery = deliveries[0]!
    const delivered = await retryLostRaces(() => deliverOne(db, delivery, expiresAtMs))
    const found = new Set(delivered)
    return {
      delivered,
      unknown: delivery.deviceIds.filter((id) => !found.has(id)),
      entries: delivered.length,
    }
  },

  async ack(db, deviceId, seqs) {
    return retryLostRaces(() => ackAll(db, deviceId, seqs))
  },
}
