import type { ConversationView, MessageView } from "@kith/core"
import { Limits } from "@kith/protocol"
import type { ChatMessage, ChatSummary, DeliveryState, SystemEvent } from "./viewTypes"

/**
 * The one place where the engine's views become what the screens show.
 * `nameOf` resolves an account id to the best name known (friend's profile,
 * group member's, else a short form of the id).
 */
export type NameOf = (accountId: string) => string

export function chatSummaryOf(
  c: ConversationView,
  myAccountId: string,
  nameOf: NameOf,
  blocked: ReadonlySet<string>,
): ChatSummary {
  const others = c.members.filter((m) => m.accountId !== myAccountId && !m.self)
  const peer = c.kind === "direct" ? others[0] : undefined
  const title =
    c.kind === "direct"
      ? peer
        ? nameOf(peer.accountId)
        : c.name
      : c.kind === "self"
        ? c.name
        : c.name || others.map((m) => nameOf(m.accountId)).join(", ")
  const last = c.lastMessage
  const lastBlocked = last?.senderAccountId !== undefined && blocked.has(last.senderAccountId)
  return {
    id: c.id,
    kind: c.kind,
    title,
    memberIds: c.members.map((m) => m.accountId),
    adminIds: c.admins,
    lastMessage:
      last && !lastBlocked && last.kind !== "notice"
        ? {
            text:
              last.kind === "decrypt-failed"
                ? "⚠"
                : last.kind === "attachment"
                  ? `📎 ${last.body}`.trim()
                  : last.body,
            at: last.sentAtMs,
            mine: last.outgoing,
            recalled: last.recalled,
            senderName: last.senderAccountId ? nameOf(last.senderAccountId) : undefined,
          }
        : undefined,
    unread: c.unreadCount,
    activityAt: last ? Math.max(last.sentAtMs, last.receivedAtMs) : 0,
    peerId: peer?.accountId,
    pending: c.status === "outgoing-request" || c.status === "incoming-request",
    left: c.status === "left" || c.status === "removed",
    timerMs: c.timerMs,
  }
}

/**
 * Where one of my messages is: in this device's outbox (sending, also after
 * a reload), refused by the server (failed), at the server (sent), stored by
 * at least one other member's device (delivered), or read — "read" only
 * while read receipts are on. Messages from others have no state.
 */
export function deliveryStateOf(m: MessageView, showReceipts: boolean): DeliveryState | undefined {
  if (!m.outgoing) return undefined
  if (m.outbox === "failed") return "failed"
  if (m.outbox === "sending") return "sending"
  if (showReceipts && m.readBy.length > 0) return "read"
  if (m.deliveredTo.length > 0) return "delivered"
  return "sent"
}

export function chatMessageOf(
  m: MessageView,
  byId: ReadonlyMap<string, MessageView>,
  nameOf: NameOf,
  showReceipts: boolean,
): ChatMessage {
  const base = {
    id: m.id,
    at: m.sentAtMs,
    mine: m.outgoing,
    senderId: m.senderAccountId,
    senderName: m.senderAccountId && !m.outgoing ? nameOf(m.senderAccountId) : undefined,
    ...(m.expiresAtMs !== undefined ? { expiresAt: m.expiresAtMs } : {}),
    ...(m.unreachable
      ? {
          unreachable: m.unreachable.map((u) => ({
            name: nameOf(u.accountId),
            several: u.deviceIds.length > 1,
          })),
        }
      : {}),
  }
  if (m.kind === "decrypt-failed") return { ...base, body: { kind: "decrypt-failed" } }
  if (m.kind === "notice") return { ...base, body: { kind: "system", event: noticeEvent(m, nameOf) } }
  if (m.recalled) return { ...base, body: { kind: "recalled" } }
  if (m.kind === "attachment" && m.attachment) {
    const a = m.attachment
    return {
      ...base,
      body: {
        kind: "attachment",
        media: a.kind,
        fileName: a.fileName,
        size: a.size,
        durationMs: a.durationMs,
        caption: m.body,
        ...(a.thumbnail ? { thumbnail: `data:image/jpeg;base64,${toBase64(a.thumbnail)}` } : {}),
        ...(a.kind === "voice" ? { waveform: a.waveform ?? [], played: a.played === true } : {}),
      },
      state: deliveryStateOf(m, showReceipts),
    }
  }
  const quoted = m.replyTo ? byId.get(m.replyTo) : undefined
  const state = deliveryStateOf(m, showReceipts)
  return {
    ...base,
    body: {
      kind: "text",
      text: m.body,
      replyTo: m.replyTo
        ? {
            id: m.replyTo,
            text: quoted && !quoted.recalled && quoted.kind === "text" ? quoted.body : undefined,
            senderName: quoted?.senderAccountId ? nameOf(quoted.senderAccountId) : undefined,
          }
        : undefined,
    },
    state,
    recallableUntil: m.outgoing ? m.sentAtMs + Limits.recallWindowMs : undefined,
  }
}

/** The lines the engine writes itself: a timer change, a gap in someone's messages, or plain text. */
function noticeEvent(m: MessageView, nameOf: NameOf): SystemEvent {
  if (m.timerMs !== undefined) {
    const actorName = m.outgoing || !m.senderAccountId ? undefined : nameOf(m.senderAccountId)
    return { kind: "timer", actorName, timerMs: m.timerMs }
  }
  if (m.missing !== undefined && m.senderAccountId)
    return { kind: "missing", name: nameOf(m.senderAccountId), count: m.missing }
  return { kind: "notice", text: m.body }
}

/** A message that could not be handed to the engine at all; shown with a retry button. */
export interface FailedSend {
  localId: string
  chatId: string
  text: string
  replyTo?: string
  at: number
}

export function failedMessageOf(f: FailedSend): ChatMessage {
  return {
    id: f.localId,
    at: f.at,
    mine: true,
    body: { kind: "text", text: f.text, replyTo: f.replyTo ? { id: f.replyTo } : undefined },
    state: "failed",
  }
}

/** base64url (the engine's) to the standard base64 a data: URL wants. */
function toBase64(b64url: string): string {
  const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/")
  return b64 + "=".repeat((4 - (b64.length % 4)) % 4)
}
