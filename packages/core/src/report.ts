import { ErrorCode, KithError, Limits, type http } from "@kith/protocol"
import type { Static } from "@sinclair/typebox"
import type { Engine } from "./engine"
import { findMessage, toView } from "./messageLog"
import type { MessageView } from "./views"

export type ReportReason = Static<typeof http.ReportReason>
export type ReportedMessage = Static<typeof http.ReportedMessage>

/**
 * What a report of these messages would send, exactly: for each, its text
 * (or an attachment's caption, kind and file name — never the file), the
 * sender's account id as this device knows it, and when it was sent. The
 * consent dialog shows this before anything leaves the device; `report`
 * sends the same, nothing more. Messages that were recalled, failed to
 * decrypt, are notices, or are this account's own are left out.
 */
export async function reportPreview(
  engine: Engine,
  conversationId: string,
  messageIds: string[],
): Promise<ReportedMessage[]> {
  if (!engine.conversations.get(conversationId)) {
    throw new KithError(ErrorCode.NoSuchConversation, "no such conversation")
  }
  const chosen: ReportedMessage[] = []
  for (const id of new Set(messageIds)) {
    const record = await findMessage(engine.store, conversationId, id)
    const reported = record && reportable(toView(conversationId, record))
    if (reported) chosen.push(reported)
  }
  if (chosen.length > Limits.maxReportedMessages) {
    throw new KithError(ErrorCode.TooLarge, `a report carries at most ${Limits.maxReportedMessages} messages`)
  }
  return chosen
}

/** Sends the chosen messages to the server's operator; returns the report's id. */
export async function report(
  engine: Engine,
  conversationId: string,
  messageIds: string[],
  reason: ReportReason,
): Promise<string> {
  const messages = await reportPreview(engine, conversationId, messageIds)
  if (messages.length === 0)
    throw new KithError(ErrorCode.BadRequest, "none of these messages can be reported")
  const { reportId } = await engine.api.call("submitReport", { body: { reason, messages } })
  return reportId
}

function reportable(view: MessageView): ReportedMessage | undefined {
  if (view.outgoing || view.recalled || view.senderAccountId === undefined) return undefined
  if (view.kind !== "text" && view.kind !== "attachment") return undefined
  return {
    senderAccountId: view.senderAccountId,
    sentAtMs: view.sentAtMs,
    text: view.body.slice(0, Limits.maxReportedTextLength),
    ...(view.attachment === undefined
      ? {}
      : { attachment: { kind: view.attachment.kind, fileName: view.attachment.fileName.slice(0, 255) } }),
  }
}
