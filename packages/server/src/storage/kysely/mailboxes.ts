import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type {
  CommitResult,
  DeliveryResult,
  MailboxEntry,
  MailboxStore,
  RecipientInfo,
  StoredDelivery,
} from "../store"
import { toBytes, toNumber } from "../columnTypes"
import { chunks } from "../chunks"
import { insertDeliveries } from "./deliveryRows"
import { releaseCiphertexts } from "./ciphertextRefs"
import type { EngineTraits, MailboxReads, MailboxWrites, Writes } from "./engineTraits"

export class KyselyMailboxStore implements MailboxStore {
  private readonly writes: Writes
  private readonly tuned: MailboxWrites | undefined
  private readonly fastReads: MailboxReads | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: EngineTraits,
  ) {
    this.writes = traits.writes(db)
    this.tuned = traits.mailboxWrites?.(db)
    this.fastReads = traits.mailboxReads?.(db)
  }

  async lookupRecipients(deviceIds: string[]): Promise<Map<string, RecipientInfo>> {
    const fast = this.fastReads?.lookupRecipients(deviceIds)
    if (fast !== undefined) return fast
    const found = new Map<string, RecipientInfo>()
    for (const chunk of chunks(deviceIds)) {
      const rows = await this.db
        .selectFrom("devices")
        .innerJoin("accounts", "accounts.id", "devices.account_id")
        .select([
          "devices.id as deviceId",
          "accounts.id as accountId",
          "accounts.delivery_verifier",
          "devices.next_seq",
        ])
        // The oldest entry still queued, found through the (device_id, seq) primary key.
        .select((eb) =>
          eb
            .selectFrom("mailbox_entries")
            .select((m) => m.fn.min("mailbox_entries.seq").as("seq"))
            .whereRef("mailbox_entries.device_id", "=", "devices.id")
            .as("oldestSeq"),
        )
        .where("devices.id", "in", chunk)
        .execute()
      for (const row of rows) {
        const oldest = row.oldestSeq === null ? null : toNumber(row.oldestSeq)
        found.set(row.deviceId, {
          accountId: row.accountId,
          deliveryVerifier: row.delivery_verifier === null ? null : toBytes(row.delivery_verifier),
          queued: oldest === null ? 0 : toNumber(row.next_seq) - oldest,
        })
      }
    }
    return found
  }

  async deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult> {
    if (this.tuned !== undefined) return this.tuned.deliver(deliveries, expiresAtMs)
    return this.writes((trx) => this.insert(trx, deliveries, expiresAtMs))
  }

  async submitCommit(
    groupId: string,
    epoch: number,
    deliveries: StoredDelivery[],
    expiresAtMs: number,
    today: number,
  ): Promise<CommitResult> {
    return this.writes(async (trx): Promise<CommitResult> => {
      // Compare-and-set: only a row still at `epoch` moves on, so of two racing commits one wins.
      const advanced = await trx
        .updateTable("groups")
        .set({ epoch: epoch + 1, last_active_day: today })
        .where("group_id", "=", groupId)
        .where("epoch", "=", epoch)
        .executeTakeFirst()
      if (Number(advanced.numUpdatedRows) === 0) {
        const created = await trx
          .insertInto("groups")
          .values({ group_id: groupId, epoch: epoch + 1, last_active_day: today })
          .onConflict((oc) => oc.column("group_id").doNothing())
          .executeTakeFirst()
        if (Number(created.numInsertedOrUpdatedRows) === 0) {
          const row = await trx
            .selectFrom("groups")
            .select("epoch")
            .where("group_id", "=", groupId)
            .executeTakeFirstOrThrow()
          return { kind: "conflict", currentEpoch: toNumber(row.epoch) }
        }
      }
      return { kind: "accepted", ...(await this.insert(trx, deliveries, expiresAtMs)) }
    })
  }

  /** Entries stored through the query builder; the engine's own path is told (it keeps the newest in memory). */
  private insert(
    trx: Kysely<Database>,
    deliveries: StoredDelivery[],
    expiresAtMs: number,
  ): Promise<DeliveryResult> {
    this.traits.changedElsewhere?.(deliveries.flatMap((d) => d.deviceIds))
    return insertDeliveries(trx, deliveries, expiresAtMs, this.traits)
  }

  async lastSeq(deviceId: string): Promise<number> {
    const row = await this.db
      .selectFrom("devices")
      .select("next_seq")
      .where("id", "=", deviceId)
      .executeTakeFirst()
    return row === undefined ? 0 : toNumber(row.next_seq) - 1
  }

  async fetch(deviceId: string, afterSeq: number, limit: number, nowMs: number): Promise<MailboxEntry[]> {
    const fast = this.fastReads?.fetch(deviceId, afterSeq, limit, nowMs)
    if (fast !== undefined) return fast
    const rows = await this.db
      .selectFrom("mailbox_entries")
      .innerJoin("ciphertexts", "ciphertexts.id", "mailbox_entries.ciphertext_id")
      .select(["mailbox_entries.seq", "ciphertexts.payload"])
      .where("mailbox_entries.device_id", "=", deviceId)
      .where("mailbox_entries.seq", ">", afterSeq)
      .where("mailbox_entries.expires_at", ">", nowMs)
      .orderBy("mailbox_entries.seq")
      .limit(limit)
      .execute()
    return rows.map((r) => ({ seq: toNumber(r.seq), payload: toBytes(r.payload) }))
  }

  async ack(deviceId: string, seqs: number[]): Promise<number> {
    if (seqs.length === 0) return 0
    if (this.tuned !== undefined) return this.tuned.ack(deviceId, seqs)
    return this.writes(async (trx) => {
      let deleted = 0
      for (const chunk of chunks(seqs)) {
        const rows = await trx
          .deleteFrom("mailbox_entries")
          .where("device_id", "=", deviceId)
          .where("seq", "in", chunk)
          .returning("ciphertext_id")
          .execute()
        deleted += rows.length
        await releaseCiphertexts(
          trx,
          rows.map((r) => r.ciphertext_id),
          this.traits,
        )
      }
      return deleted
    })
  }
}
