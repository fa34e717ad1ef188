import { toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { eraseMessages } from "./erase"
import { appendMessage, messageAt, putMessage, toView } from "./messageLog"
import type { GroupState, Member } from "./mlsGroup"
import { decodeRecord } from "./records"

/**
 * What MLS lets a receiver detect of messages a server dropped ([T9]): each
 * sender numbers its application messages in an epoch (the generation of its
 * ratchet), so one that arrives with a higher number than expected reveals
 * that the ones in between are missing — or late, when the server reorders.
 * The secret tree keeps a key for each skipped generation; the new ones are
 * the gap, and a late message uses up its key. Messages dropped after a
 * sender's last delivered one, or across an epoch change, leave no trace and
 * cannot be detected this way.
 */
export interface RatchetChange {
  /** Generations skipped by this message (new keys kept for them). */
  skipped: number[]
  /** The generation a late message filled (its kept key used up), if it was one. */
  filled?: number
}

export function ratchetChange(before: GroupState, after: GroupState, leafIndex: number): RatchetChange {
  const nodeIndex = leafIndex * 2
  const earlier = Object.keys(before.secretTree[nodeIndex]?.application.unusedGenerations ?? {}).map(Number)
  const later = Object.keys(after.secretTree[nodeIndex]?.application.unusedGenerations ?? {}).map(Number)
  const skipped = later.filter((g) => !earlier.includes(g))
  const gone = earlier.filter((g) => !later.includes(g))
  // Keys also go when old ones are pruned as the ratchet moves on; only a lone, non-advancing removal is a late arrival.
  return { skipped, filled: skipped.length === 0 && gone.length === 1 ? gone[0] : undefined }
}

/** Where a gap's line is and which generations it still waits for, per conversation, epoch and sender leaf. */
interface GapRecord {
  order: number
  generations: number[]
}

const gapKey = (conversationId: string, epoch: bigint, leafIndex: number) =>
  `gap/${conversationId}/${String(epoch).padStart(20, "0")}/${leafIndex}`

/**
 * Shows a gap — a line in the conversation and an event, never a silent hole —
 * and shrinks or removes that line again as late messages fill it.
 */
export async function recordRatchetChange(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  state: GroupState,
  sender: Member,
  change: RatchetChange,
): Promise<void> {
  const key = gapKey(conversation.id, state.groupContext.epoch, sender.leafIndex)
  if (change.skipped.length > 0) {
    const now = engine.clock.now()
    const record = appendMessage(batch, conversation, {
      id: toBase64Url(engine.newId()),
      kind: "notice",
      senderAccountId: sender.accountId,
      senderDeviceId: sender.deviceId,
      sentAtMs: now,
      receivedAtMs: now,
      body: "",
      missing: change.skipped.length,
      recalled: false,
      outgoing: false,
      read: true,
      readBy: [],
    })
    const gap: GapRecord = { order: record.order, generations: change.skipped }
    batch.put(`${key}/${record.order}`, gap)
    batch.emit({
      type: "messages-missing",
      conversationId: conversation.id,
      accountId: sender.accountId,
      count: change.skipped.length,
    })
    batch.emit({ type: "message", conversationId: conversation.id, message: toView(conversation.id, record) })
  }
  if (change.filled === undefined) return
  for (const entry of await engine.store.list(`${key}/`)) {
    const gap = decodeRecord<GapRecord>(entry.value)
    if (!gap.generations.includes(change.filled)) continue
    const generations = gap.generations.filter((g) => g !== change.filled)
    const notice = await messageAt(engine.store, conversation.id, gap.order)
    if (generations.length === 0) {
      // Everything arrived after all: the line goes.
      batch.delete(entry.key)
      if (notice) await eraseMessages(engine.store, batch, conversation, [notice])
    } else {
      batch.put(entry.key, { ...gap, generations })
      if (notice) putMessage(batch, conversation.id, { ...notice, missing: generations.length })
    }
    batch.emit({
      type: "messages-missing",
      conversationId: conversation.id,
      accountId: sender.accountId,
      count: generations.length,
    })
    return
  }
}
