/**
 * What the engine hands its user interface: plain, immutable snapshots with
 * base64url identifiers. They are built from the stored records on demand.
 */
export type ConversationKind = "direct" | "group" | "self"

export type ConversationStatus =
  "active" | "incoming-request" | "outgoing-request" | "left" | "removed" | "declined"

export interface MemberView {
  accountId: string
  deviceIds: string[]
  displayName?: string
  admin: boolean
  self: boolean
}

export interface MessageView {
  id: string
  conversationId: string
  kind: "text" | "attachment" | "decrypt-failed" | "notice"
  senderAccountId?: string
  senderDeviceId?: string
  sentAtMs: number
  receivedAtMs: number
  body: string
  replyTo?: string
  recalled: boolean
  outgoing: boolean
  read: boolean
  /** Accounts that sent a read receipt for this message. */
  readBy: string[]
  /** Accounts one of whose devices sent a delivery receipt for this message. */
  deliveredTo: string[]
  /**
   * This device's own messages not yet at the server: "sending" while in the
   * outbox (also after a restart), "failed" when the server refused it (resend retries).
   */
  outbox?: "sending" | "failed"
  /** A photo, file or voice message; `body` is then its caption. */
  attachment?: AttachmentView
  /** Disappearing messages: when this device deletes the plaintext (epoch ms). */
  expiresAtMs?: number
  /** A "notice" announcing a new disappearing-messages timer (0: off), set by `senderAccountId`. */
  timerMs?: number
  /** A "notice" that `count` messages of `senderAccountId` did not arrive (or not yet): a gap in their MLS ratchet. */
  missing?: number
  /** This device's message did not reach these devices of the conversation: their mailbox was full ([D4]). */
  unreachable?: UnreachableDevices[]
}

/** Devices of one account a message was not stored for. */
export interface UnreachableDevices {
  accountId: string
  deviceIds: string[]
}

/**
 * What an attachment message carries, bytes as base64url. The key and blob
 * id are what downloading (and forwarding without uploading again) needs.
 */
export interface AttachmentView {
  kind: "file" | "photo" | "voice"
  blobId: string
  key: string
  digest: string
  /** Plaintext bytes. */
  size: number
  contentType: string
  fileName: string
  width?: number
  height?: number
  /** A small JPEG preview, base64url. */
  thumbnail?: string
  blurhash?: string
  durationMs?: number
  /** Loudness per bar, 0-255. */
  waveform?: number[]
  /** Voice messages: whether this device has played it. */
  played?: boolean
}

export interface ConversationView {
  id: string
  kind: ConversationKind
  status: ConversationStatus
  name: string
  members: MemberView[]
  admins: string[]
  lastMessage?: MessageView
  unreadCount: number
  /** The disappearing-messages timer for what this device sends here (0: off). */
  timerMs: number
}

export interface FriendRequestView {
  id: string
  accountId: string
  greeting: string
  receivedAtMs: number
}

export interface FriendView {
  accountId: string
  displayName?: string
  username?: string
  verified: boolean
  conversationId?: string
}

export interface DeviceView {
  deviceId: string
  /** base64url Ed25519 device key, from its certificate (for fingerprints). */
  publicKey: string
  current: boolean
  issuedAtMs: number
}
