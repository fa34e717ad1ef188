import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, fromBase64Url, KithError } from "@kith/protocol"
import { claimKeyPackages, type ClaimedKeyPackage } from "./claims"
import { addDevices, commitChange, removeLeaves } from "./commits"
import type { ConversationRecord } from "./conversation"
import { conversationView } from "./conversationView"
import type { Engine } from "./engine"
import { createLocalGroup, discardLocalGroup } from "./friends"
import { leaveConversation } from "./leave"
import { groupMembers, type GroupState } from "./mlsGroup"
import { isConversationAdmin } from "./policy"
import { snapshotBody } from "./profiles"
import { sendContent } from "./send"
import type { ConversationView } from "./views"

/** Key packages for every device of these accounts; each must be reachable (its token known). */
async function claimForAccounts(engine: Engine, accountIds: string[]): Promise<ClaimedKeyPackage[]> {
  const claimed: ClaimedKeyPackage[] = []
  for (const accountId of accountIds) {
    if (!engine.tokenOf(accountId)) {
      throw new KithError(
        ErrorCode.NotAFriend,
        `${accountId} is not a friend or fellow member of this account`,
      )
    }
    const packages = await claimKeyPackages(engine, accountId)
    if (packages.length === 0)
      throw new KithError(ErrorCode.NoKeyPackage, `${accountId} has no device to reach`)
    claimed.push(...packages)
  }
  return claimed
}

async function groupContext(
  engine: Engine,
  conversationId: string,
): Promise<{ conversation: ConversationRecord; state: GroupState }> {
  const conversation = engine.conversations.get(conversationId)
  const state = await engine.groups.get(conversationId)
  if (!conversation || !state)
    throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
  return { conversation, state }
}

async function requireAdmin(engine: Engine, conversationId: string) {
  const context = await groupContext(engine, conversationId)
  if (context.conversation.kind !== "group") {
    throw new KithError(
      ErrorCode.BadRequest,
      "only group conversations have names, admins and members to manage",
    )
  }
  if (!isConversationAdmin(context.conversation, context.state, engine.myAccountId)) {
    throw new KithError(ErrorCode.NotAdmin, "only an admin of this group may do that")
  }
  return context
}

/** A group with this account as its first admin, and every device of the given friends. */
export async function createGroup(
  engine: Engine,
  name: string,
  accountIds: string[],
): Promise<ConversationView> {
  const others = [...new Set(accountIds)].filter((a) => a !== engine.myAccountId)
  const theirs = await claimForAccounts(engine, others)
  const mine = await claimKeyPackages(engine, engine.myAccountId, [engine.myDeviceId])
  const id = await createLocalGroup(engine, {
    kind: "group",
    status: "active",
    name,
    admins: [engine.myAccountId],
  })
  try {
    await commitChange(engine, id, (state, conversation) => ({
      proposals: addDevices([...theirs, ...mine])(state),
      contents: (after) => [snapshotBody(engine, conversation, after)],
    }))
  } catch (e) {
    await discardLocalGroup(engine, id)
    throw e
  }
  const view = await conversationView(engine, engine.conversations.get(id)!)
  engine.events.emit({ type: "conversation-added", conversation: view })
  return view
}

export async function addMembers(
  engine: Engine,
  conversationId: string,
  accountIds: string[],
): Promise<void> {
  const { state } = await requireAdmin(engine, conversationId)
  const present = new Set(groupMembers(state).map((m) => m.accountId))
  const claimed = await claimForAccounts(
    engine,
    [...new Set(accountIds)].filter((a) => !present.has(a)),
  )
  if (claimed.length === 0) return
  await commitChange(engine, conversationId, (current, conversation) => ({
    proposals: addDevices(claimed)(current),
    contents: (after) => [snapshotBody(engine, conversation, after)],
  }))
}

export async function removeMembers(
  engine: Engine,
  conversationId: string,
  accountIds: string[],
): Promise<void> {
  await requireAdmin(engine, conversationId)
  const removed = new Set(accountIds)
  if (removed.has(engine.myAccountId)) throw new KithError(ErrorCode.BadRequest, "use leaveGroup to leave")
  await commitChange(engine, conversationId, (current) => ({
    proposals: removeLeaves((m) => removed.has(m.accountId))(current),
    update: (conversation) => {
      conversation.admins = conversation.admins.filter((a) => !removed.has(a))
    },
  }))
}

export async function renameGroup(engine: Engine, conversationId: string, name: string): Promise<void> {
  await requireAdmin(engine, conversationId)
  await sendContent(
    engine,
    conversationId,
    { case: "rename", value: create(pb.RenameSchema, { name }) },
    (conversation, _s, batch) => {
      conversation.name = name
      batch.emit({ type: "renamed", conversationId, name, byAccountId: engine.myAccountId })
    },
  )
}

export async function setAdmin(
  engine: Engine,
  conversationId: string,
  accountId: string,
  admin: boolean,
): Promise<void> {
  const { state } = await requireAdmin(engine, conversationId)
  const present = new Set(groupMembers(state).map((m) => m.accountId))
  if (!present.has(accountId)) throw new KithError(ErrorCode.BadRequest, "that account is not a member")
  await sendContent(
    engine,
    conversationId,
    {
      case: "adminChange",
      value: create(pb.AdminChangeSchema, { accountId: fromBase64Url(accountId)!, admin }),
    },
    (conversation, _s, batch) => {
      const admins = new Set(conversation.admins.filter((a) => present.has(a)))
      if (admins.size === 0) for (const a of present) admins.add(a)
      if (admin) admins.add(accountId)
      else admins.delete(accountId)
      conversation.admins = [...admins]
      batch.emit({ type: "admin-changed", conversationId, accountId, admin, byAccountId: engine.myAccountId })
    },
  )
}

export async function leaveGroup(engine: Engine, conversationId: string): Promise<void> {
  const { conversation } = await groupContext(engine, conversationId)
  if (conversation.kind !== "group")
    throw new KithError(ErrorCode.BadRequest, "only group conversations can be left")
  await leaveConversation(engine, conversationId, "left")
}
