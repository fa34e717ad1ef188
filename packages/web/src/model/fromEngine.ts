import type { ConversationView, MessageView } from "@kith/core"
import { Limits } from "@kith/protocol"
import type { OutboxEntry } from "./outbox"
import type { ChatMessage, ChatSummary, DeliveryState } from "./viewTypes"

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
        ? (peer.displayName ?? nameOf(peer.accountId))
        : c.name
      : c.kind === "self"
        ? c.name
        : c.name || others.map((m) => m.displayName ?? nameOf(m.accountId)).join(", ")
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
            text: last.kind === "decrypt-failed" ? "⚠" : last.body,
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
  }
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
  }
  if (m.kind === "decrypt-failed") return { ...base, body: { kind: "decrypt-failed" } }
  if (m.kind === "notice") return { ...base, body: { kind: "system", event: noticeEvent(m.body, nameOf) } }
  if (m.recalled) return { ...base, body: { kind: "recalled" } }
  const quoted = m.replyTo ? byId.get(m.replyTo) : undefined
  const state: DeliveryState | undefined = m.outgoing
    ? showReceipts && m.readBy.length > 0
      ? "read"
      : "sent"
    : undefined
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

/** A queued message shown at the end of its chat until the server takes it. */
export function outboxMessageOf(e: OutboxEntry): ChatMessage {
  return {
    id: e.localId,
    at: e.createdAt,
    mine: true,
    body: { kind: "text", text: e.text, replyTo: e.replyTo ? { id: e.replyTo } : undefined },
    state: e.state,
  }
}

/**
 * The engine records membership changes and the like as notices; their body
 * is a small JSON object ({ kind, accountIds, byAccountId, name, admin }).
 * Anything unreadable still shows, as a generic line.
 */
function noticeEvent(
  body: string,
  nameOf: NameOf,
): Extract<ChatMessage["body"], { kind: "system" }>["event"] {
  let n: {
    kind?: string
    accountIds?: string[]
    accountId?: string
    byAccountId?: string
    name?: string
    admin?: boolean
  }
  try {
    n = JSON.parse(body) as typeof n
  } catch {
    return { kind: "created" }
  }
  const names = (n.accountIds ?? (n.accountId ? [n.accountId] : [])).map(nameOf)
  const actorName = n.byAccountId ? nameOf(n.byAccountId) : undefined
  switch (n.kind) {
    case "member-added":
      return { kind: "member-added", actorName, names }
    case "member-removed":
      return { kind: "member-removed", actorName, names }
    case "member-left":
      return { kind: "member-left", names }
    case "renamed":
      return { kind: "renamed", actorName, name: n.name ?? "" }
    case "admin-changed":
      return { kind: "admin-changed", name: names[0] ?? "", admin: n.admin === true }
    case "device-added":
      return { kind: "device-added", name: names[0] ?? "" }
    case "friend-accepted":
      return { kind: "friend-accepted", name: names[0] ?? "" }
    case "removed-from-conversation":
      return { kind: "removed-from-chat" }
    default:
      return { kind: "created", actorName }
  }
}
