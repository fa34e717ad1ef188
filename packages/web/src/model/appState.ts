import type {
  ChatMessage,
  ChatSummary,
  ConnectionState,
  DeviceView,
  FriendRequestView,
  Person,
  Warning,
} from "./viewTypes"
import type { UploadView } from "./uploads"

/**
 * Everything the screens render, as one immutable snapshot: the model swaps
 * in a new object on every change and React re-renders what changed.
 */
export type Phase =
  | { kind: "booting" }
  | { kind: "locked"; error?: "wrong-passcode" }
  | { kind: "welcome" }
  /** Registered, showing the recovery phrase until the person confirms they kept it. */
  | { kind: "recovery-phrase"; phrase: string }
  | { kind: "ready" }
  /** Kith is open in another tab of this browser; one engine per browser profile. */
  | { kind: "elsewhere" }
  | { kind: "failed"; message: string }

export interface Me {
  accountId: string
  deviceId: string
  name: string
  username?: string
}

export interface Settings {
  readReceipts: boolean
  appLock: boolean
}

export interface AppState {
  phase: Phase
  me?: Me
  connection: ConnectionState
  chats: ChatSummary[]
  friends: Person[]
  requests: FriendRequestView[]
  warnings: Warning[]
  /** Messages of the chats that are open (loaded on demand). */
  messages: Readonly<Record<string, ChatMessage[]>>
  devices: DeviceView[]
  settings: Settings
  /** Bumped by the minute so relative times and the recall window stay current. */
  now: number
  /** Attachments on their way to the server (all chats; each chat shows its own). */
  uploads: UploadView[]
  /** Profile pictures as object URLs, by account id (absent: initials). */
  avatars: Readonly<Record<string, string>>
  /** Show, once, that photos are sent without their location and camera details. */
  photoNotice: boolean
}

export const initialState: AppState = {
  phase: { kind: "booting" },
  connection: "connecting",
  chats: [],
  friends: [],
  requests: [],
  warnings: [],
  messages: {},
  devices: [],
  settings: { readReceipts: true, appLock: false },
  now: Date.now(),
  uploads: [],
  avatars: {},
  photoNotice: false,
}
