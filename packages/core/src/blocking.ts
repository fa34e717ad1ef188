import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, fromBase64Url, ID_BYTES, KithError, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import type { ContentBody } from "./contentCodec"
import type { Engine } from "./engine"
import { groupMembers } from "./mlsGroup"
import { fromMe, type Received } from "./received"
import { sendContent } from "./send"

/**
 * Blocking ([T10]) is enforced on this device, on every path a blocked
 * account can use to reach it: the server is never told, because a block
 * list at the server is a piece of the social graph (who fears whom) that
 * Kith does not give it (docs/protocol.md §5).
 */

export function isBlocked(engine: Engine, accountId: string): boolean {
  return engine.meta.blocked?.includes(accountId) ?? false
}

export function blockedAccounts(engine: Engine): string[] {
  return [...(engine.meta.blocked ?? [])]
}

/** Blocks or unblocks here, then tells this account's other devices (end to end, in the self conversation). */
export async function setBlocked(engine: Engine, accountId: string, blocked: boolean): Promise<void> {
  if (accountId === engine.myAccountId)
    throw new KithError(ErrorCode.BadRequest, "an account cannot block itself")
  const batch = new Batch()
  engine.updateMeta(batch, (meta) => {
    const set = new Set(meta.blocked ?? [])
    if (blocked) set.add(accountId)
    else set.delete(accountId)
    return { ...meta, blocked: [...set] }
  })
  await engine.apply(batch)
  await syncBlockList(engine)
}

/** Sends the whole block list to this account's other devices (a no-op without any). */
export async function syncBlockList(engine: Engine): Promise<void> {
  const selfId = engine.meta.selfConversationId
  const state = selfId && (await engine.groups.get(selfId))
  if (!selfId || !state || groupMembers(state).length < 2) return
  const accountIds = blockedAccounts(engine).map((a) => fromBase64Url(a)!)
  await sendContent(engine, selfId, { case: "blockList", value: create(pb.BlockListSchema, { accountIds }) })
}

/** Another device of this account changed its blocks: the list it sent replaces this device's. */
export function onBlockList(r: Received, accountIds: Uint8Array[]): void {
  if (r.conversation.kind !== "self" || !fromMe(r)) return
  const blocked = accountIds.filter((a) => a.length === ID_BYTES).map((a) => toBase64Url(a))
  r.engine.updateMeta(r.batch, (meta) => ({
    ...meta,
    blocked: blocked.filter((a) => a !== r.engine.myAccountId),
  }))
}

/**
 * What a blocked account may still send that this device applies: the
 * group's own state (names, roles, the disappearing timer, snapshots), which
 * every member must agree on for the group to keep working. Everything that
 * reaches the person — texts, attachments, friend requests and acceptances,
 * receipts, profile updates — is dropped without a trace or an answer.
 */
const GROUP_STATE: ReadonlySet<ContentBody["case"]> = new Set([
  "groupSnapshot",
  "rename",
  "adminChange",
  "disappearingTimer",
])

/** Whether this content is from a blocked account and must be dropped. */
export function droppedAsBlocked(r: Received): boolean {
  if (fromMe(r) || !isBlocked(r.engine, r.sender.accountId)) return false
  if (r.content.body.case === "friendRequest") {
    // The request is quietly declined here; nothing is sent back, so the sender cannot tell.
    r.conversation.status = "declined"
    r.conversation.kind = "direct"
    r.conversation.peer = r.sender.accountId
    r.engine.conversations.set(r.batch, r.conversation)
    return true
  }
  return !GROUP_STATE.has(r.content.body.case)
}
