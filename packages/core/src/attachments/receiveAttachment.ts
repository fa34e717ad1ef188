import type { content as pb } from "@kith/protocol"
import { appendMessage, findMessage, toView } from "../messageLog"
import { fromMe, id, type Received } from "../received"
import { attachmentView } from "./attachmentCodec"
import { expiryOf } from "../disappearing"
import { oweDeliveryReceipt } from "../deliveryReceipts"

/** An attachment message joins the conversation like a text, its caption as the body. */
export async function onAttachment(r: Received, attachment: pb.Attachment): Promise<void> {
  const messageId = id(r.content.messageId)
  if (await findMessage(r.engine.store, r.conversation.id, messageId)) return
  const view = attachmentView(attachment)
  if (!view) return
  const record = appendMessage(r.batch, r.conversation, {
    id: messageId,
    kind: "attachment",
    senderAccountId: r.sender.accountId,
    senderDeviceId: r.sender.deviceId,
    sentAtMs: Number(r.content.sentAtMs),
    receivedAtMs: r.engine.clock.now(),
    body: attachment.caption.slice(0, 4096),
    recalled: false,
    outgoing: fromMe(r),
    read: fromMe(r),
    readBy: [],
    attachment: { ...view, ...(view.kind === "voice" ? { played: fromMe(r) } : {}) },
    expiresAtMs: expiryOf(r.engine, Number(r.content.expireAfterMs)),
  })
  oweDeliveryReceipt(r, messageId)
  r.batch.emit({
    type: "message",
    conversationId: r.conversation.id,
    message: toView(r.conversation.id, record),
  })
}
