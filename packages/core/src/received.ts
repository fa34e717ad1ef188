import { toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import type { Content, ContentBody } from "./contentCodec"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import type { GroupState, Member } from "./mlsGroup"

/** One decrypted application message, with everything needed to apply it. */
export interface Received {
  engine: Engine
  batch: Batch
  conversation: ConversationRecord
  /** The group state after decryption (membership is unchanged by application messages). */
  state: GroupState
  sender: Member
  content: Content & { body: ContentBody }
}

export const id = (bytes: Uint8Array) => toBase64Url(bytes)

/** Whether this account (on any of its devices) sent the message. */
export const fromMe = (r: Received) => r.sender.accountId === r.engine.myAccountId
