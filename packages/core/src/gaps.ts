import { toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { appendMessage, toView } from "./messageLog"
import type { GroupState, Member } from "./mlsGroup"

/**
 * What MLS lets a receiver detect of messages a server dropped ([T9]): each
 * sender numbers its application messages in an epoch (the generation of its
 * ratchet), so one that arrives with a higher number than expected reveals
 * that the ones in between are missing — or late, when the server reorders.
 * The secret tree keeps a key for each skipped generation; the new ones are
 * the gap. Messages dropped after a sender's last delivered one, or across
 * an epoch change, leave no trace and cannot be detected this way.
 */
export function skippedGenerations(before: GroupState, after: GroupState, leafIndex: number): number {
  const nodeIndex = leafIndex * 2
  const earlier = before.secretTree[nodeIndex]?.application.unusedGenerations ?? {}
  const later = after.secretTree[nodeIndex]?.application.unusedGenerations ?? {}
  return Object.keys(later).filter((generation) => !(generation in earlier)).length
}

/** Shows a gap: a line in the conversation and an event, never a silent hole. */
export function recordGap(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  sender: Member,
  count: number,
): void {
  const now = engine.clock.now()
  const record = appendMessage(batch, conversation, {
    id: toBase64Url(engine.newId()),
    kind: "notice",
    senderAccountId: sender.accountId,
    senderDeviceId: sender.deviceId,
    sentAtMs: now,
    receivedAtMs: now,
    body: "",
    missing: count,
    recalled: false,
    outgoing: false,
    read: true,
    readBy: [],
  })
  batch.emit({
    type: "messages-missing",
    conversationId: conversation.id,
    accountId: sender.accountId,
    count,
  })
  batch.emit({ type: "message", conversationId: conversation.id, message: toView(conversation.id, record) })
}
