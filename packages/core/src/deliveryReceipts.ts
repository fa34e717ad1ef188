import { create } from "@bufbuild/protobuf"
import { content as pb } from "@kith/protocol"
import { Batch } from "./batch"
import { isBlocked } from "./blocking"
import type { Engine } from "./engine"
import { findMessage, putMessage } from "./messageLog"
import { b64 } from "./records"
import { groupMembers, type GroupState, type Member } from "./mlsGroup"
import { fromMe, type Received } from "./received"
import { sendContent } from "./send"

/**
 * Delivery receipts: a receiving device tells the sender it stored a text or
 * an attachment. The pending receipt is stored in the same write as the
 * message (so a crash or a closed tab does not lose it) and sent once the
 * mailbox has no more to process: one receipt per conversation for a whole
 * backlog, never one per message, and never a receipt for a receipt. In a
 * group only one member acknowledges each message (acknowledgerOf).
 */
const PENDING = "dr/"
const MAX_IDS_PER_RECEIPT = 1000

const pendingKey = (conversationId: string, messageId: string) => `${PENDING}${conversationId}/${messageId}`

/**
 * The account that acknowledges a message. In a direct chat, the friend. In
 * a group only one member does — the first other account after the sender's
 * leaf, in leaf order — because every receipt is itself broadcast to every
 * device: one from each member would cost O(n²) deliveries per message. So
 * in a group "delivered" means that member's device has it.
 */
export function acknowledgerOf(state: GroupState, sender: Member): string | undefined {
  const others = groupMembers(state)
    .filter((m) => m.accountId !== sender.accountId)
    .sort((a, b) => a.leafIndex - b.leafIndex)
  return (others.find((m) => m.leafIndex > sender.leafIndex) ?? others[0])?.accountId
}

/** Called for a message just stored: owes its sender a delivery receipt if this account acknowledges it. */
export function oweDeliveryReceipt(r: Received, messageId: string): void {
  if (fromMe(r) || acknowledgerOf(r.state, r.sender) !== r.engine.myAccountId) return
  r.batch.put(pendingKey(r.conversation.id, messageId), 1)
  r.batch.later(() => r.engine.deliveryReceipts.sendWhenIdle())
}

export class DeliveryReceipts {
  private scheduled: Promise<void> | undefined

  constructor(private readonly engine: Engine) {}

  /** Sends what is owed once the mailbox is idle; calls made meanwhile share that one pass. */
  sendWhenIdle(): Promise<void> {
    this.scheduled ??= this.engine.mailbox
      .idle()
      .then(() => {
        this.scheduled = undefined
        return this.sendOwed()
      })
      .finally(() => (this.scheduled = undefined))
    return this.scheduled
  }

  /** Sends every owed receipt, one per conversation (split only above 1,000 ids). */
  async sendOwed(): Promise<void> {
    const byConversation = new Map<string, string[]>()
    for (const { key } of await this.engine.store.list(PENDING)) {
      const [conversationId, messageId] = key.slice(PENDING.length).split("/")
      if (!conversationId || !messageId) continue
      byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), messageId])
    }
    for (const [conversationId, messageIds] of byConversation) {
      for (let i = 0; i < messageIds.length; i += MAX_IDS_PER_RECEIPT) {
        await this.sendOne(conversationId, messageIds.slice(i, i + MAX_IDS_PER_RECEIPT))
      }
    }
  }

  private async sendOne(conversationId: string, messageIds: string[]): Promise<void> {
    const forget = (batch: Batch) => {
      for (const id of messageIds) batch.delete(pendingKey(conversationId, id))
    }
    const owed: string[] = []
    for (const id of messageIds) {
      const message = await findMessage(this.engine.store, conversationId, id)
      // Blocked since the message arrived: the sender is told nothing.
      if (message?.senderAccountId && !isBlocked(this.engine, message.senderAccountId)) owed.push(id)
    }
    const active = this.engine.conversations.get(conversationId)?.status === "active"
    if (owed.length === 0 || !active) {
      const batch = new Batch()
      forget(batch)
      return this.engine.apply(batch)
    }
    const receipt = create(pb.DeliveryReceiptSchema, { messageIds: owed.map(b64) })
    await sendContent(
      this.engine,
      conversationId,
      { case: "deliveryReceipt", value: receipt },
      (_conversation, _sent, batch) => forget(batch),
    )
  }
}

/**
 * A member's device got our messages: they count as delivered to that
 * account. Receipts from this account's own other devices say nothing about
 * the other members, so they are ignored.
 */
export async function onDeliveryReceipt(r: Received, messageIds: string[]): Promise<void> {
  if (fromMe(r)) return
  const marked: string[] = []
  for (const messageId of messageIds.slice(0, MAX_IDS_PER_RECEIPT)) {
    const message = await findMessage(r.engine.store, r.conversation.id, messageId)
    if (!message || message.senderAccountId !== r.engine.myAccountId) continue
    const deliveredTo = message.deliveredTo ?? []
    if (deliveredTo.includes(r.sender.accountId)) continue
    putMessage(r.batch, r.conversation.id, { ...message, deliveredTo: [...deliveredTo, r.sender.accountId] })
    marked.push(messageId)
  }
  if (marked.length > 0) {
    r.batch.emit({
      type: "delivered",
      conversationId: r.conversation.id,
      messageIds: marked,
      byAccountId: r.sender.accountId,
    })
  }
}
