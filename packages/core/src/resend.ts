import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, KithError } from "@kith/protocol"
import { attachmentMessage } from "./attachments/attachmentCodec"
import type { Engine } from "./engine"
import { findMessage, toView } from "./messageLog"
import { unsentKey } from "./outbox"
import { b64 } from "./records"
import { sendContent } from "./send"
import type { MessageView } from "./views"

/**
 * Sends again a message of this device that the server refused (its view
 * says `outbox: "failed"`): encrypted afresh under the same message id, so a
 * member who somehow got the first copy still shows it once ([E3]).
 */
export async function resend(
  engine: Engine,
  conversationId: string,
  messageId: string,
): Promise<MessageView> {
  const message = await findMessage(engine.store, conversationId, messageId)
  const failed = await engine.store.get(unsentKey(conversationId, messageId))
  if (!message || !failed || message.senderDeviceId !== engine.myDeviceId || message.recalled) {
    throw new KithError(ErrorCode.NotFound, "no failed message of this device with that id")
  }
  const body =
    message.kind === "attachment" && message.attachment
      ? { case: "attachment" as const, value: attachmentMessage(message.attachment, message.body) }
      : {
          case: "text" as const,
          value: create(pb.TextSchema, {
            body: message.body,
            replyTo: message.replyTo ? b64(message.replyTo) : new Uint8Array(),
          }),
        }
  await sendContent(
    engine,
    conversationId,
    body,
    (_conversation, _sent, batch) => batch.delete(unsentKey(conversationId, messageId)),
    messageId,
  )
  return toView(conversationId, message)
}
