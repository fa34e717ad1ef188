import { daysBetween } from "../i18n/format"
import type { ChatMessage } from "../model/viewTypes"

/** One row of the message list: a day separator, the unread marker, or a message. */
export type TimelineItem =
  | { kind: "day"; key: string; at: number }
  | { kind: "unread"; key: string; count: number }
  | { kind: "message"; key: string; message: ChatMessage; showSender: boolean }

/**
 * Turns a chat's messages (oldest first) into list rows: a separator whenever
 * the local calendar day changes, an unread marker before the first unread
 * message, and the sender's name shown only when the sender changes.
 */
export function buildTimeline(
  messages: readonly ChatMessage[],
  firstUnreadId?: string,
  unreadCount = 0,
): TimelineItem[] {
  const items: TimelineItem[] = []
  let previous: ChatMessage | undefined
  for (const m of messages) {
    if (!previous || daysBetween(previous.at, m.at) !== 0)
      items.push({ kind: "day", key: `day-${m.id}`, at: m.at })
    if (m.id === firstUnreadId && unreadCount > 0)
      items.push({ kind: "unread", key: "unread", count: unreadCount })
    const sameSender =
      previous !== undefined &&
      previous.body.kind !== "system" &&
      previous.senderId === m.senderId &&
      daysBetween(previous.at, m.at) === 0
    items.push({ kind: "message", key: m.id, message: m, showSender: !m.mine && !sameSender })
    previous = m
  }
  return items
}

/** The first of the last `unread` messages from others: where "jump to unread" goes. */
export function firstUnreadOf(messages: readonly ChatMessage[], unread: number): string | undefined {
  if (unread <= 0) return undefined
  let seen = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!
    if (m.mine || m.body.kind === "system") continue
    seen++
    if (seen === unread) return m.id
  }
  return messages.find((m) => !m.mine && m.body.kind !== "system")?.id
}
