import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import type { OutgoingDelivery, Recipient } from "./delivery"
import type { Engine } from "./engine"
import { b64, decodeRecord } from "./records"
import { sendDeliveries } from "./transport"
import { recordUnreachable } from "./unreachable"

/**
 * Application messages wait here, stored in the same batch as the group state
 * that encrypted them, until the server has them: a message written while
 * offline goes out on reconnect, and a crash never re-encrypts (which would
 * reuse a ratchet generation).
 */
interface OutboxRecord {
  key: string
  conversationId: string
  /** The text or attachment message it carries, whose view shows "sending" until it is out. */
  messageId?: string
  deliveries: { payload: string; recipients: Recipient[] }[]
}

/** Marks this device's message the server refused, so its view shows "failed" (with a resend) after a restart too. */
export const unsentKey = (conversationId: string, messageId: string) =>
  `unsent/${conversationId}/${messageId}`

let sequence = 0

export function enqueue(
  engine: Engine,
  batch: Batch,
  conversationId: string,
  deliveries: OutgoingDelivery[],
  messageId?: string,
): void {
  const key = `out/${String(engine.clock.now()).padStart(15, "0")}/${String(sequence++).padStart(8, "0")}`
  const record: OutboxRecord = {
    key,
    conversationId,
    ...(messageId ? { messageId } : {}),
    deliveries: deliveries.map((d) => ({ payload: toBase64Url(d.payload), recipients: d.recipients })),
  }
  if (record.deliveries.every((d) => d.recipients.length === 0)) return
  batch.put(key, record)
}

export class Outbox {
  private flushing: Promise<void> | undefined
  private again = false
  /** Entries of this pass the server refused (their failure is already recorded). */
  private readonly refused = new Set<string>()
  /** Devices the server skipped for an entry of this pass: their mailbox is full ([D4]). */
  private readonly skipped = new Map<string, Set<string>>()

  constructor(private readonly engine: Engine) {}

  /** Sends everything queued; concurrent calls share one pass (and ask for another). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true
      return this.flushing
    }
    this.flushing = this.drain().finally(() => (this.flushing = undefined))
    return this.flushing
  }

  private async drain(): Promise<void> {
    do {
      this.again = false
      for (const entry of await this.engine.store.list("out/")) {
        const record = decodeRecord<OutboxRecord>(entry.value)
        const deliveries = record.deliveries
          .map((d) => ({ payload: b64(d.payload), recipients: d.recipients }))
          .filter((d) => d.recipients.length > 0)
        const sent = await this.sendOne(record, deliveries)
        if (!sent) return
        const batch = new Batch()
        batch.delete(record.key)
        const skipped = this.skipped.get(record.key)
        this.skipped.delete(record.key)
        if (skipped) recordUnreachable(batch, record.conversationId, record.messageId, deliveries, skipped)
        if (record.messageId && !this.refused.delete(record.key)) {
          batch.emit({
            type: "sent",
            conversationId: record.conversationId,
            messageIds: [record.messageId],
            failed: false,
          })
        }
        await this.engine.apply(batch)
      }
    } while (this.again)
  }

  /** False when the connection is down (the entry stays queued for the next pass). */
  private async sendOne(record: OutboxRecord, deliveries: OutgoingDelivery[]): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        const skipped = deliveries.length > 0 ? await sendDeliveries(this.engine, deliveries) : []
        if (skipped.length > 0) {
          const all = this.skipped.get(record.key) ?? new Set<string>()
          for (const id of skipped) all.add(id)
          this.skipped.set(record.key, all)
        }
        return true
      } catch (e) {
        const error = e instanceof KithError ? e : new KithError(ErrorCode.Internal, String(e))
        if (error.code === ErrorCode.Network || this.engine.closed) return false
        if (error.retryable && attempt < 5) {
          await this.engine.clock.sleep(error.details.retryAfterMs ?? 500 * 2 ** attempt)
          continue
        }
        if (error.code === ErrorCode.DeliveryToken && deliveries.some((d) => accounts(d).size > 1)) {
          // One account's token was refused and the server does not say whose: send per account.
          return this.sendPerAccount(record, deliveries)
        }
        await this.undeliverable(record, error)
        return true
      }
    }
  }

  private async sendPerAccount(record: OutboxRecord, deliveries: OutgoingDelivery[]): Promise<boolean> {
    const all = new Set(deliveries.flatMap((d) => [...accounts(d)]))
    for (const accountId of all) {
      const only = deliveries.map((d) => ({
        ...d,
        recipients: d.recipients.filter((r) => r.accountId === accountId),
      }))
      const sent = await this.sendOne(
        record,
        only.filter((d) => d.recipients.length > 0),
      )
      if (!sent) return false
    }
    return true
  }

  private async undeliverable(record: OutboxRecord, error: KithError): Promise<void> {
    const batch = new Batch()
    if (record.messageId) {
      this.refused.add(record.key)
      batch.put(unsentKey(record.conversationId, record.messageId), error.code)
      batch.emit({
        type: "sent",
        conversationId: record.conversationId,
        messageIds: [record.messageId],
        failed: true,
      })
    }
    batch.emit({
      type: "error",
      code: error.code,
      message: `a message in ${record.conversationId} was not delivered: ${error.message}`,
    })
    await this.engine.apply(batch)
  }
}

/** The send state of this device's messages in a conversation that are not (yet) at the server. */
export async function outboxStates(
  engine: Engine,
  conversationId: string,
): Promise<Map<string, "sending" | "failed">> {
  const states = new Map<string, "sending" | "failed">()
  for (const entry of await engine.store.list(unsentKey(conversationId, ""))) {
    states.set(entry.key.slice(unsentKey(conversationId, "").length), "failed")
  }
  for (const entry of await engine.store.list("out/")) {
    const record = decodeRecord<OutboxRecord>(entry.value)
    if (record.conversationId === conversationId && record.messageId) states.set(record.messageId, "sending")
  }
  return states
}

const accounts = (d: OutgoingDelivery) => new Set(d.recipients.map((r) => r.accountId))
