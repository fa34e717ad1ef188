import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, KithError } from "@kith/protocol"
import { Batch } from "./batch"
import { isBlocked } from "./blocking"
import { claimKeyPackages } from "./claims"
import { addDevices, commitChange } from "./commits"
import { newContact } from "./contacts"
import { newConversation } from "./conversation"
import { conversationView } from "./conversationView"
import type { Engine } from "./engine"
import { generateKeyPackageRecord, keyPackageOf, privatePackageOf } from "./keyPackages"
import { leaveConversation } from "./leave"
import { groupIdOf, newGroup } from "./mlsGroup"
import { myProfile, profileOfContact } from "./profiles"
import { b64 } from "./records"
import { sendContent } from "./send"
import type { FriendRequestView } from "./views"

/**
 * Pins an account's key the first time this device learns it from the server
 * ([C3]); a different key for a known account is refused with a warning.
 */
export async function pinAccount(engine: Engine, accountId: string, username?: string): Promise<void> {
  const account = await engine.api.call("getAccount", { params: { accountId } })
  const key = b64(account.accountPublicKey)
  const batch = new Batch()
  if (engine.contacts.checkKey(accountId, key) === "mismatch") {
    engine.events.emit({
      type: "untrusted-device",
      accountId,
      deviceId: account.devices[0]?.deviceId ?? "",
      reason: "account-key-changed",
    })
    throw new KithError(
      ErrorCode.UntrustedDevice,
      "the server reports another account key than the one pinned for this account",
    )
  }
  engine.contacts.update(batch, accountId, (existing) => ({
    ...(existing ?? newContact(accountId, key)),
    ...(username ? { username } : {}),
  }))
  await engine.apply(batch)
}

/** A new conversation with this device as its only leaf, stored locally until its first commit goes out. */
export async function createLocalGroup(
  engine: Engine,
  fields: Parameters<typeof newConversation>[1],
): Promise<string> {
  const record = await generateKeyPackageRecord(engine.me(), false)
  const state = await newGroup(
    engine.newId(),
    keyPackageOf(record),
    privatePackageOf(record, engine.me()),
    engine.config,
  )
  const id = groupIdOf(state)
  const batch = new Batch()
  engine.groups.set(batch, id, state)
  engine.conversations.set(batch, newConversation(id, { announced: true, ...fields }, engine.clock.now()))
  await engine.apply(batch)
  return id
}

/** Removes a conversation whose first commit never went out. */
export async function discardLocalGroup(engine: Engine, id: string): Promise<void> {
  const batch = new Batch()
  engine.groups.remove(batch, id)
  engine.conversations.remove(batch, id)
  await engine.apply(batch)
}

/**
 * A friend request: a direct conversation holding every device of both
 * accounts, whose Welcome and FriendRequest reach the stranger unsealed (they
 * are the only unsealed deliveries Kith makes, [W7]) and this account's other
 * devices sealed — all in one commit frame.
 */
export async function sendFriendRequest(engine: Engine, username: string, greeting = ""): Promise<string> {
  const { accountId } = await engine.api.call("lookupUsername", { params: { username } })
  if (accountId === engine.myAccountId)
    throw new KithError(ErrorCode.BadRequest, "that username is this account's own")
  await pinAccount(engine, accountId, username)
  if (engine.contacts.get(accountId)?.friend) throw new KithError(ErrorCode.Conflict, "already friends")
  const theirs = await claimKeyPackages(engine, accountId)
  if (theirs.length === 0) throw new KithError(ErrorCode.NoKeyPackage, "that account has no device to reach")
  const mine = await claimKeyPackages(engine, engine.myAccountId, [engine.myDeviceId])
  const id = await createLocalGroup(engine, {
    kind: "direct",
    status: "outgoing-request",
    peer: accountId,
    greeting,
  })
  const request = create(pb.FriendRequestSchema, { from: myProfile(engine), greeting })
  try {
    await commitChange(engine, id, (state) => ({
      proposals: addDevices([...theirs, ...mine])(state),
      unsealed: new Set([accountId]),
      contents: () => [{ case: "friendRequest", value: request }],
    }))
  } catch (e) {
    await discardLocalGroup(engine, id)
    throw e
  }
  const conversation = engine.conversations.get(id)!
  engine.events.emit({
    type: "conversation-added",
    conversation: await conversationView(engine, conversation),
  })
  return id
}

export function friendRequests(engine: Engine): FriendRequestView[] {
  return engine.conversations
    .all()
    .filter(
      (c) => c.kind === "direct" && c.status === "incoming-request" && c.peer && !isBlocked(engine, c.peer),
    )
    .map((c) => ({ id: c.id, accountId: c.peer!, greeting: c.greeting ?? "", receivedAtMs: c.createdAtMs }))
}

function incomingRequest(engine: Engine, id: string) {
  const conversation = engine.conversations.get(id)
  if (!conversation || conversation.status !== "incoming-request" || !conversation.peer) {
    throw new KithError(ErrorCode.NoSuchConversation, "no such friend request")
  }
  return conversation
}

/** Accepts: a FriendAccept (sealed with the requester's token) makes both sides friends. */
export async function acceptFriendRequest(engine: Engine, id: string): Promise<void> {
  const peer = incomingRequest(engine, id).peer!
  await sendContent(
    engine,
    id,
    { case: "friendAccept", value: create(pb.FriendAcceptSchema, { from: myProfile(engine) }) },
    (conversation, _sent, batch) => {
      conversation.status = "active"
      engine.contacts.update(batch, peer, (c) => c && { ...c, friend: true, directConversationId: id })
      batch.emit({ type: "friend-accepted", accountId: peer, conversationId: id })
    },
  )
  await syncContacts(engine)
}

/** Declines: leaves the direct conversation (the requester's device commits the removal). */
export async function declineFriendRequest(engine: Engine, id: string): Promise<void> {
  incomingRequest(engine, id)
  await leaveConversation(engine, id, "declined")
}

/** Sends the friend list to this account's other devices through the self conversation. */
export async function syncContacts(engine: Engine): Promise<void> {
  const selfId = engine.meta.selfConversationId
  const state = selfId && (await engine.groups.get(selfId))
  if (!selfId || !state || state.ratchetTree.filter((n) => n?.nodeType === "leaf").length < 2) return
  const friends = engine.contacts
    .all()
    .filter((c) => c.friend)
    .map((c) => profileOfContact(engine, c.accountId))
    .filter((p) => p !== undefined)
  await sendContent(engine, selfId, { case: "contacts", value: create(pb.ContactsSchema, { friends }) })
}
