import type BetterSqlite3 from "better-sqlite3"
import type { DeliveryResult, MailboxEntry, RecipientInfo, StoredDelivery } from "./store"
import type { SqliteMailboxPath } from "./kysely/engineTraits"
import type { GroupCommit } from "./kysely/groupCommit"
import { newId } from "../ids"
import { MailboxTails } from "./mailboxTails"

interface RecipientRow {
  account_id: string
  delivery_verifier: Buffer | null
  next_seq: number
  oldest: number | null
}

/**
 * The statements every message runs, on SQLite, without the query builder:
 * prepared once, run synchronously (the writes inside a group commit's
 * transaction, with no promise per statement), payloads bound and read as
 * the driver's buffers without copying. What they store is exactly what the
 * portable Kysely path stores (deliveryRows.ts, ciphertextRefs.ts); the
 * store tests run against both. Reads go through here only when no
 * transaction is open on the connection — otherwise they could see rows a
 * batch has not committed yet — and say so by returning undefined. Entries
 * just stored are pushed from memory, not read back (mailboxTails.ts).
 */
export class SqliteMailbox implements SqliteMailboxPath {
  private readonly recipient: BetterSqlite3.Statement<[string], RecipientRow>
  private readonly claimSeq: BetterSqlite3.Statement<[string], { next_seq: number }>
  private readonly insertCiphertext: BetterSqlite3.Statement<[string, Buffer, number, number]>
  private readonly insertEntry: BetterSqlite3.Statement<[string, number, string, number]>
  private readonly deleteEntry: BetterSqlite3.Statement<[string, number], { ciphertext_id: string }>
  private readonly deleteLastRef: BetterSqlite3.Statement<[string]>
  private readonly dropRef: BetterSqlite3.Statement<[string]>
  private readonly entries: BetterSqlite3.Statement<
    [string, number, number, number],
    { seq: number; payload: Buffer }
  >

  private readonly tails = new MailboxTails()

  constructor(
    private readonly raw: BetterSqlite3.Database,
    private readonly commit: GroupCommit,
  ) {
    commit.observe({
      committed: () => this.tails.commitStaged(),
      abandoned: () => this.tails.discardStaged(),
    })
    this.recipient = raw.prepare(
      `select a.id as account_id, a.delivery_verifier, d.next_seq,
         (select min(m.seq) from mailbox_entries m where m.device_id = d.id) as oldest
       from devices d join accounts a on a.id = d.account_id where d.id = ?`,
    )
    this.claimSeq = raw.prepare("update devices set next_seq = next_seq + 1 where id = ? returning next_seq")
    this.insertCiphertext = raw.prepare(
      "insert into ciphertexts (id, payload, refs, expires_at) values (?, ?, ?, ?)",
    )
    this.insertEntry = raw.prepare(
      "insert into mailbox_entries (device_id, seq, ciphertext_id, expires_at) values (?, ?, ?, ?)",
    )
    this.deleteEntry = raw.prepare(
      "delete from mailbox_entries where device_id = ? and seq = ? returning ciphertext_id",
    )
    this.deleteLastRef = raw.prepare("delete from ciphertexts where id = ? and refs <= 1")
    this.dropRef = raw.prepare("update ciphertexts set refs = refs - 1 where id = ?")
    this.entries = raw.prepare(
      `select m.seq, c.payload from mailbox_entries m join ciphertexts c on c.id = m.ciphertext_id
       where m.device_id = ? and m.seq > ? and m.expires_at > ? order by m.seq limit ?`,
    )
  }

  deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult> {
    return this.commit.runSync(() => this.insert(deliveries, expiresAtMs))
  }

  ack(deviceId: string, seqs: number[]): Promise<number> {
    return this.commit.runSync(() => this.remove(deviceId, seqs))
  }

  lookupRecipients(deviceIds: string[]): Map<string, RecipientInfo> | undefined {
    if (this.raw.inTransaction) return undefined
    const found = new Map<string, RecipientInfo>()
    for (const id of deviceIds) {
      const row = this.recipient.get(id)
      if (row === undefined) continue
      found.set(id, {
        accountId: row.account_id,
        deliveryVerifier: row.delivery_verifier === null ? null : view(row.delivery_verifier),
        queued: row.oldest === null ? 0 : row.next_seq - row.oldest,
      })
    }
    return found
  }

  changedElsewhere(deviceIds: readonly string[]): void {
    for (const id of deviceIds) this.tails.forget(id)
  }

  fetch(deviceId: string, afterSeq: number, limit: number, nowMs: number): MailboxEntry[] | undefined {
    const recent = this.tails.read(deviceId, afterSeq, limit, nowMs)
    if (recent !== undefined) return recent
    if (this.raw.inTransaction) return undefined
    return this.entries
      .all(deviceId, afterSeq, nowMs, limit)
      .map((r) => ({ seq: r.seq, payload: view(r.payload) }))
  }

  private insert(deliveries: StoredDelivery[], expiresAtMs: number): DeliveryResult {
    const delivered = new Set<string>()
    const unknown = new Set<string>()
    let entries = 0
    for (const delivery of deliveries) {
      const seqs: [string, number][] = []
      for (const id of delivery.deviceIds) {
        const row = this.claimSeq.get(id)
        if (row === undefined) unknown.add(id)
        else seqs.push([id, row.next_seq - 1])
      }
      if (seqs.length === 0) continue
      const ciphertextId = newId()
      const payload = delivery.payload
      this.insertCiphertext.run(
        ciphertextId,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        seqs.length,
        expiresAtMs,
      )
      for (const [id, seq] of seqs) {
        this.insertEntry.run(id, seq, ciphertextId, expiresAtMs)
        this.tails.stage(id, seq, payload, expiresAtMs)
        delivered.add(id)
      }
      entries += seqs.length
    }
    return { delivered: [...delivered], unknown: [...unknown], entries }
  }

  private remove(deviceId: string, seqs: number[]): number {
    this.tails.acknowledged(deviceId, seqs)
    let deleted = 0
    for (const seq of seqs) {
      const entry = this.deleteEntry.get(deviceId, seq)
      if (entry === undefined) continue
      deleted++
      // A ciphertext lives exactly as long as its last undelivered entry (most have only one).
      if (this.deleteLastRef.run(entry.ciphertext_id).changes === 0) this.dropRef.run(entry.ciphertext_id)
    }
    return deleted
  }
}

/** The driver's Buffer as a plain Uint8Array over the same memory (the rest of the server speaks Uint8Array). */
function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}
