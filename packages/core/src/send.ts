import { ErrorCode, fromBase64Url, KithError, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import { expiryOf } from "./disappearing"
import { encodeContent, type ContentBody } from "./contentCodec"
import type { ConversationRecord } from "./conversation"
import { groupRecipients } from "./delivery"
import type { Engine } from "./engine"
import { appendMessage, type MessageRecord } from "./messageLog"
import { encryptApplication, isActive } from "./mlsGroup"
import { enqueue } from "./outbox"

export interface Sent {
  messageId: string
  sentAtMs: number
  /** When this device deletes its copy (disappearing messages), if it does. */
  expiresAtMs?: number
  record?: MessageRecord
}

/**
 * Encrypts one piece of content for everyone else in the conversation and
 * queues it: the advanced group state, the outgoing ciphertext and (for
 * texts) the local copy are stored together, then the outbox sends.
 * `onSent` may change the conversation record in the same write.
 */
export async function sendContent(
  engine: Engine,
  conversationId: string,
  body: ContentBody,
  onSent?: (conversation: ConversationRecord, sent: Sent, batch: Batch) => void,
  /** Sends again under an existing message's id (a resend); no new local copy is made. */
  resendOf?: string,
): Promise<Sent> {
  const sent = await engine.groups.lock(conversationId, async () => {
    const conversation = engine.conversations.get(conversationId)
    const state = await engine.groups.get(conversationId)
    if (!conversation || !state || !isActive(state)) {
      throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
    }
    const messageIdBytes = resendOf ? fromBase64Url(resendOf)! : engine.newId()
    const sentAtMs = engine.clock.now()
    // Texts and attachments carry the conversation's disappearing-messages timer.
    const timerMs = body.case === "text" || body.case === "attachment" ? (conversation.timerMs ?? 0) : 0
    const encrypted = await encryptApplication(state, encodeContent(messageIdBytes, sentAtMs, body, timerMs))
    const recipients = groupRecipients(encrypted.state, (a) => engine.tokenOf(a))
    const batch = new Batch()
    engine.groups.set(batch, conversationId, encrypted.state)
    const sent: Sent = {
      messageId: toBase64Url(messageIdBytes),
      sentAtMs,
      expiresAtMs: expiryOf(engine, timerMs),
    }
    // Texts and attachments show "sending" while their ciphertext waits in the outbox.
    const shown = body.case === "text" || body.case === "attachment"
    const deliveries = [{ payload: encrypted.payload, recipients }]
    enqueue(engine, batch, conversationId, deliveries, shown ? sent.messageId : undefined)
    if (body.case === "text" && !resendOf) {
      sent.record = appendMessage(batch, conversation, {
        id: sent.messageId,
        kind: "text",
        senderAccountId: engine.myAccountId,
        senderDeviceId: engine.myDeviceId,
        sentAtMs,
        receivedAtMs: sentAtMs,
        body: body.value.body,
        replyTo: body.value.replyTo.length > 0 ? toBase64Url(body.value.replyTo) : undefined,
        recalled: false,
        outgoing: true,
        read: true,
        readBy: [],
        expiresAtMs: sent.expiresAtMs,
      })
    }
    onSent?.(conversation, sent, batch)
    engine.conversations.set(batch, conversation)
    await engine.apply(batch)
    return sent
  })
  await flushOutbox(engine)
  return sent
}

/** Tries to send what is queued; a connection problem leaves it queued for the next connection. */
export async function flushOutbox(engine: Engine): Promise<void> {
  await engine.outbox.flush()
}
