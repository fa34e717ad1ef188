import type { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import { messageAt, messageIdKey, messageKey, type MessageRecord } from "./messageLog"
import type { Store } from "./store"
import { unreachableKey } from "./unreachable"

/**
 * The index of messages that disappear: one key per message, ordered by
 * expiry time, so the next expiry is the first key and a sweep reads only
 * what is due.
 */
export const expiryKey = (expiresAtMs: number, conversationId: string, messageId: string) =>
  `exp/${String(expiresAtMs).padStart(15, "0")}/${conversationId}/${messageId}`

export interface ExpiryEntry {
  conversationId: string
  messageId: string
}

/** Registers a stored message for deletion at its expiry. */
export function scheduleExpiry(batch: Batch, conversationId: string, record: MessageRecord): void {
  if (record.expiresAtMs === undefined) return
  const entry: ExpiryEntry = { conversationId, messageId: record.id }
  batch.put(expiryKey(record.expiresAtMs, conversationId, record.id), entry)
}

/**
 * Deletes messages from this device for real ([T2]): the records holding
 * their plaintext and attachment keys, their id index, expiry entries and the
 * note of devices they did not reach go in the same write; the store's secure_delete overwrites the freed pages.
 * Nothing is left to say a message was there, and nothing is sent.
 */
export async function eraseMessages(
  store: Store,
  batch: Batch,
  conversation: ConversationRecord,
  records: MessageRecord[],
): Promise<void> {
  const ids = new Set(records.map((r) => r.id))
  for (const record of records) {
    batch.delete(messageKey(conversation.id, record.order))
    batch.delete(messageIdKey(conversation.id, record.id))
    batch.delete(unreachableKey(conversation.id, record.id))
    if (record.expiresAtMs !== undefined)
      batch.delete(expiryKey(record.expiresAtMs, conversation.id, record.id))
  }
  conversation.unread = conversation.unread.filter((u) => !ids.has(u))
  const erased = new Set(records.map((r) => r.order))
  if (conversation.lastMessageOrder !== undefined && erased.has(conversation.lastMessageOrder)) {
    // The chat list shows the latest message still here.
    let order = conversation.lastMessageOrder - 1
    while (order >= 0 && (erased.has(order) || !(await messageAt(store, conversation.id, order)))) order--
    conversation.lastMessageOrder = order >= 0 ? order : undefined
  }
  if (ids.size > 0) batch.emit({ type: "deleted", conversationId: conversation.id, messageIds: [...ids] })
}
