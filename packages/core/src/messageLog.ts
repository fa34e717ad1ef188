import { scheduleExpiry } from "./erase"
import { decodeRecord } from "./records"
import type { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Store } from "./store"
import type { MessageView } from "./views"

/**
 * The messages of each conversation, in arrival order. A message is stored
 * under its order number; a second key maps its message id to that number,
 * which is how replies, recalls, receipts and duplicates find it.
 */
export type MessageRecord = Omit<MessageView, "conversationId" | "deliveredTo" | "outbox"> & {
  order: number
  /** Absent in records stored before delivery receipts existed. */
  deliveredTo?: string[]
}

const pad = (n: number) => String(n).padStart(10, "0")
export const messageKey = (conversationId: string, order: number) => `msg/${conversationId}/${pad(order)}`
export const messageIdKey = (conversationId: string, messageId: string) =>
  `mid/${conversationId}/${messageId}`

export async function findMessage(
  store: Store,
  conversationId: string,
  messageId: string,
): Promise<MessageRecord | undefined> {
  const order = await store.get(messageIdKey(conversationId, messageId))
  if (!order) return undefined
  const bytes = await store.get(messageKey(conversationId, decodeRecord<number>(order)))
  return bytes && decodeRecord<MessageRecord>(bytes)
}

export async function listMessages(store: Store, conversationId: string): Promise<MessageRecord[]> {
  return (await store.list(`msg/${conversationId}/`)).map((e) => decodeRecord<MessageRecord>(e.value))
}

export async function messageAt(
  store: Store,
  conversationId: string,
  order: number,
): Promise<MessageRecord | undefined> {
  const bytes = await store.get(messageKey(conversationId, order))
  return bytes && decodeRecord<MessageRecord>(bytes)
}

export function putMessage(batch: Batch, conversationId: string, record: MessageRecord): void {
  batch.put(messageKey(conversationId, record.order), record)
  batch.put(messageIdKey(conversationId, record.id), record.order)
}

/** The view of a stored message; `outbox` is the send state of one still queued or refused (see outbox.ts). */
export function toView(
  conversationId: string,
  record: MessageRecord,
  outbox?: MessageView["outbox"],
): MessageView {
  const { order: _order, deliveredTo, ...view } = record
  return { ...view, conversationId, deliveredTo: deliveredTo ?? [], ...(outbox ? { outbox } : {}) }
}

/** Adds a message at the end of a conversation (the caller stores the updated conversation record). */
export function appendMessage(
  batch: Batch,
  conversation: ConversationRecord,
  fields: Omit<MessageRecord, "order">,
): MessageRecord {
  const record: MessageRecord = { ...fields, order: conversation.nextOrder }
  conversation.nextOrder += 1
  conversation.lastMessageOrder = record.order
  const countsAsUnread = record.kind === "text" || record.kind === "attachment"
  if (countsAsUnread && !record.outgoing && !record.read) conversation.unread.push(record.id)
  putMessage(batch, conversation.id, record)
  scheduleExpiry(batch, conversation.id, record)
  return record
}
