import type { AttachmentView, ConversationView, FriendView, MessageView } from "@kith/core"

/**
 * Human-readable lines for what the engine returns. Output.result makes every
 * line plain before printing, so these may embed names and bodies as they are.
 */

/** Local date and time to the minute: enough to read a chat, short enough for one line. */
export function formatTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** A person as the user knows them: display name, else username, else the account id. */
export function personName(accountId: string, friend?: FriendView, displayName?: string): string {
  return displayName ?? friend?.displayName ?? friend?.username ?? accountId
}

/** The timer names the command accepts, and how they are printed. */
export const timerNames: Record<string, number> = {
  off: 0,
  "30s": 30_000,
  "5m": 300_000,
  "1h": 3_600_000,
  "1d": 86_400_000,
  "1w": 604_800_000,
}

export function timerName(ms: number): string {
  return Object.entries(timerNames).find(([, v]) => v === ms)?.[0] ?? `${ms} ms`
}

/** Who sent a message, as seen in one conversation. */
export function senderName(
  message: MessageView,
  conversation: ConversationView,
  friends: FriendView[],
): string {
  if (message.outgoing) return "you"
  const sender = message.senderAccountId
  if (sender === undefined) return "?"
  const member = conversation.members.find((m) => m.accountId === sender)
  return personName(
    sender,
    friends.find((f) => f.accountId === sender),
    member?.displayName,
  )
}

export function messageLine(
  message: MessageView,
  conversation: ConversationView,
  friends: FriendView[],
): string {
  const when = formatTime(message.sentAtMs)
  switch (message.kind) {
    case "notice":
      if (message.timerMs !== undefined) {
        const who = message.outgoing ? "You" : senderName(message, conversation, friends)
        return message.timerMs === 0
          ? `${when}  * ${who} turned off disappearing messages`
          : `${when}  * ${who} set disappearing messages to ${timerName(message.timerMs)}`
      }
      if (message.missing !== undefined)
        return `${when}  ! ${message.missing} message(s) from ${senderName(message, conversation, friends)} did not arrive (dropped on the way, or late)`
      return `${when}  * ${message.body}`
    case "decrypt-failed":
      return `${when}  ! a message could not be decrypted (${message.body})`
    case "text": {
      const body = message.recalled ? "(recalled)" : message.body
      const reply = message.replyTo ? ` (reply to ${message.replyTo})` : ""
      const unread = !message.outgoing && !message.read && !message.recalled ? " *" : ""
      return `${when}  ${senderName(message, conversation, friends)}: ${body}${reply}  [${message.id}]${unread}`
    }
    case "attachment": {
      const unread = !message.outgoing && !message.read && !message.recalled ? " *" : ""
      const what =
        message.recalled || !message.attachment ? "(recalled)" : attachmentLabel(message.attachment)
      const caption = message.body === "" ? "" : ` ${message.body}`
      return `${when}  ${senderName(message, conversation, friends)}: ${what}${caption}  [${message.id}]${unread}`
    }
  }
}

/** "[voice 0:12]", "[photo 1024x768, 180 KB]", "[file report.pdf, 2.1 MB]". */
export function attachmentLabel(a: AttachmentView): string {
  const size = formatBytes(a.size)
  switch (a.kind) {
    case "voice": {
      const seconds = Math.round((a.durationMs ?? 0) / 1000)
      return `[voice ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}${a.played ? "" : ", unplayed"}]`
    }
    case "photo":
      return `[photo${a.width ? ` ${a.width}x${a.height}` : ""}, ${size}]`
    case "file":
      return `[file ${a.fileName === "" ? "(unnamed)" : a.fileName}, ${size}]`
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

export function conversationLine(conversation: ConversationView, friends: FriendView[]): string {
  const unread = conversation.unreadCount > 0 ? `  (${conversation.unreadCount} unread)` : ""
  const status = conversation.status === "active" ? "" : `  [${conversation.status}]`
  const last = conversation.lastMessage
  const preview =
    last && last.kind === "text"
      ? `  — ${senderName(last, conversation, friends)}: ${last.recalled ? "(recalled)" : last.body}`
      : ""
  return `${conversation.id}  ${conversation.kind.padEnd(6)}  ${conversationTitle(conversation, friends)}${unread}${status}${preview}`
}

/** A direct chat is titled by the other person; a group by its name. */
export function conversationTitle(conversation: ConversationView, friends: FriendView[]): string {
  if (conversation.kind === "direct") {
    const peer = conversation.members.find((m) => !m.self)
    if (peer)
      return personName(
        peer.accountId,
        friends.find((f) => f.accountId === peer.accountId),
        peer.displayName,
      )
  }
  if (conversation.kind === "self") return "(your devices)"
  return conversation.name === "" ? "(unnamed)" : conversation.name
}

export function friendLine(friend: FriendView): string {
  const username = friend.username ? `  @${friend.username}` : ""
  const verified = friend.verified ? "  verified" : ""
  return `${friend.accountId}  ${friend.displayName ?? "(no name)"}${username}${verified}`
}

/** 60 digits read best as three lines of four groups of five, like other messengers show them. */
export function groupDigits(digits: string): string[] {
  const groups = digits.replace(/\s+/g, "").match(/.{1,5}/g) ?? []
  const lines: string[] = []
  for (let i = 0; i < groups.length; i += 4) lines.push("  " + groups.slice(i, i + 4).join(" "))
  return lines
}
