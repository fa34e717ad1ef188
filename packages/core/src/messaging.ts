import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, fromBase64Url, KithError, Limits } from "@kith/protocol"
import { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { findMessage, putMessage, toView, type MessageRecord } from "./messageLog"
import { b64 } from "./records"
import { sendContent } from "./send"
import { deleteAttachmentBlob } from "./attachments/sendAttachment"
import type { MessageView } from "./views"

/** Texts go only into conversations this device is an active member of, and never to a stranger. */
export async function sendText(
  engine: Engine,
  conversationId: string,
  body: string,
  replyToId?: string,
): Promise<MessageView> {
  const status = engine.conversations.get(conversationId)?.status
  if (status === "incoming-request" || status === "outgoing-request" || status === "declined") {
    throw new KithError(ErrorCode.NotAFriend, "the friend request has not been accepted")
  }
  if (status !== "active")
    throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
  const replyTo = replyToId === undefined ? new Uint8Array() : fromBase64Url(replyToId)
  if (!replyTo) throw new KithError(ErrorCode.BadRequest, "replyTo is not a message id")
  const sent = await sendContent(engine, conversationId, {
    case: "text",
    value: create(pb.TextSchema, { body, replyTo }),
  })
  return toView(conversationId, sent.record!)
}

/** [E1] Withdraws one of this account's messages, within Limits.recallWindowMs of sending it. */
export async function recall(engine: Engine, conversationId: string, messageId: string): Promise<void> {
  const message = await findMessage(engine.store, conversationId, messageId)
  if (!message || message.senderAccountId !== engine.myAccountId) {
    throw new KithError(ErrorCode.NotFound, "no message of this account with that id")
  }
  if (engine.clock.now() - message.sentAtMs > Limits.recallWindowMs) {
    throw new KithError(ErrorCode.RecallExpired, "messages can be recalled only within two minutes")
  }
  await sendContent(
    engine,
    conversationId,
    { case: "recall", value: create(pb.RecallSchema, { messageId: b64(messageId) }) },
    (_conversation, _sent, batch) => {
      putMessage(batch, conversationId, { ...message, recalled: true, body: "", attachment: undefined })
      batch.emit({ type: "recalled", conversationId, messageId, byAccountId: engine.myAccountId })
    },
  )
  if (message.attachment) {
    // The sender's deletion takes the blob too; a forward of someone else's blob is not ours to delete.
    await deleteAttachmentBlob(engine, message.attachment).catch(() => undefined)
  }
}

/**
 * Marks messages read here and, unless `sendReceipt` is false, tells the
 * other members and this account's other devices (a ReadReceipt).
 */
export async function markRead(
  engine: Engine,
  conversationId: string,
  messageIds: string[],
  sendReceipt: boolean,
): Promise<void> {
  const found: MessageRecord[] = []
  for (const id of new Set(messageIds)) {
    const message = await findMessage(engine.store, conversationId, id)
    const readable = message?.kind === "text" || message?.kind === "attachment"
    if (message && readable && !message.outgoing && !message.recalled) found.push(message)
  }
  if (found.length === 0) return
  const markHere = (conversation: ConversationRecord, batch: Batch) => {
    const ids = new Set(found.map((m) => m.id))
    conversation.unread = conversation.unread.filter((u) => !ids.has(u))
    for (const m of found) putMessage(batch, conversationId, { ...m, read: true })
  }
  if (!sendReceipt) {
    return engine.groups.lock(conversationId, async () => {
      const batch = new Batch()
      const conversation = engine.conversations.get(conversationId)
      if (!conversation) return
      markHere(conversation, batch)
      engine.conversations.set(batch, conversation)
      await engine.apply(batch)
    })
  }
  const receipt = create(pb.ReadReceiptSchema, { messageIds: found.map((m) => b64(m.id)) })
  await sendContent(
    engine,
    conversationId,
    { case: "readReceipt", value: receipt },
    (conversation, _sent, batch) => markHere(conversation, batch),
  )
}
