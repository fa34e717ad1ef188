export { KithClient, type KithClientOptions } from "./client"
export type { KithEvent, KithEventListener } from "./events"
export type {
  ConversationKind,
  ConversationStatus,
  ConversationView,
  DeviceView,
  FriendRequestView,
  FriendView,
  MemberView,
  MessageView,
  AttachmentView,
  UnreachableDevices,
} from "./views"
export type { ProfileView } from "./profile"
export type { ReportedMessage, ReportReason } from "./report"
export type { AttachmentInput, SendAttachmentOptions, UploadResume } from "./attachments/sendAttachment"
export type { UploadOptions } from "./attachments/tusUpload"
export type { DownloadOptions } from "./attachments/download"
export { bytesSource, type BlobSource } from "./attachments/blobCipher"
export { webBlobSource } from "./attachments/webBlobSource"
export { MemoryStore, type Store, type StoreEntry, type StoreOp } from "./store"
export type { WebSocketConstructor, WebSocketLike } from "./socket"
export { systemClock, secureRandom, type Clock, type RandomBytes } from "./runtime"
export { defaultKeyPackagePolicy, type KeyPackagePolicy } from "./keyPackages"
export { formatSafetyNumber } from "./safetyNumber"
