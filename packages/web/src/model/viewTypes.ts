/**
 * What the screens show, shaped for rendering. The engine's records are turned
 * into these in one place (fromEngine.ts) so the screens don't follow every
 * change of the engine's internals.
 */
export type ChatKind = "direct" | "group" | "self"

export type DeliveryState = "sending" | "sent" | "delivered" | "read" | "failed"

export interface ChatSummary {
  id: string
  kind: ChatKind
  /** The group's name, or the other person's name in a direct chat. */
  title: string
  memberIds: string[]
  /** Group admins (end-to-end state; every member checks changes against it). */
  adminIds: string[]
  lastMessage?: { text: string; at: number; mine: boolean; recalled: boolean; senderName?: string }
  unread: number
  /** When something last happened, for ordering the list. */
  activityAt: number
  /** The other account in a direct chat. */
  peerId?: string
  /** True until the other person accepts a friend request made with this chat. */
  pending?: boolean
  /** I was removed from (or left) this chat: history stays readable, sending is off. */
  left?: boolean
  /** The disappearing-messages timer (0: off). */
  timerMs: number
}

export type SystemEvent =
  | { kind: "member-added"; names: string[] }
  | { kind: "member-removed"; names: string[] }
  | { kind: "renamed"; actorName?: string; name: string }
  | { kind: "admin-changed"; name: string; admin: boolean }
  | { kind: "device-added"; name: string }
  | { kind: "created"; actorName?: string }
  | { kind: "friend-accepted"; name: string }
  | { kind: "joined"; memberCount: number }
  | { kind: "removed-from-chat" }
  /** A line the engine itself wrote into the history. */
  | { kind: "notice"; text: string }
  /** The disappearing-messages timer changed (0: off); no actor means I changed it. */
  | { kind: "timer"; actorName?: string; timerMs: number }
  /** Messages of `name` that did not arrive: the server dropped them, or they are late. */
  | { kind: "missing"; name: string; count: number }

export interface ChatMessage {
  id: string
  at: number
  mine: boolean
  senderId?: string
  senderName?: string
  body:
    | { kind: "text"; text: string; replyTo?: { id: string; text?: string; senderName?: string } }
    | { kind: "recalled" }
    | { kind: "decrypt-failed" }
    | {
        kind: "attachment"
        media: "file" | "photo" | "voice"
        fileName: string
        size: number
        durationMs?: number
        caption: string
        /** A data: URL of the small preview a photo carries inside its message. */
        thumbnail?: string
        /** Voice: loudness per bar (0-255), and whether it was played here. */
        waveform?: number[]
        played?: boolean
      }
    | { kind: "system"; event: SystemEvent }
  state?: DeliveryState
  /** For my messages: can it still be recalled (clock-dependent; rechecked on tap). */
  recallableUntil?: number
  /** Disappearing messages: when this device deletes it. */
  expiresAt?: number
  /** My message the server did not store for some devices of these people: their mailbox was full. */
  unreachable?: { name: string; several: boolean }[]
}

export interface Person {
  accountId: string
  name: string
  username?: string
  verified?: boolean
  blocked?: boolean
}

export interface FriendRequestView {
  id: string
  direction: "incoming" | "outgoing"
  accountId: string
  name: string
  greeting?: string
  at: number
}

export interface DeviceView {
  deviceId: string
  fingerprint: string
  current: boolean
  addedAt?: number
}

export type ConnectionState = "online" | "connecting" | "offline"

export interface Warning {
  id: string
  /** A new device of a contact; a device refused as not certified by their account; their account key changed. */
  kind: "device-added" | "device-refused" | "key-changed"
  accountId: string
  name: string
  at: number
}
