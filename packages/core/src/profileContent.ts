import { create } from "@bufbuild/protobuf"
import { bytesEqual, content as pb } from "@kith/protocol"
import { newContact, withProfile, type ContactRecord } from "./contacts"
import { isWellFormedProfile, type MemberProfile } from "./contentCodec"
import { conversationView } from "./conversationView"
import type { Engine } from "./engine"
import { groupMembers, type GroupState } from "./mlsGroup"
import { profileOf } from "./profile"
import { isAllowedTimer } from "./disappearing"
import { kindFromWire, myProfile } from "./profiles"
import { fromMe, id, type Received } from "./received"
import { sendContent } from "./send"

/**
 * Content that introduces accounts to each other: group snapshots, member
 * info, friend requests and acceptances, and the friend list shared between
 * an account's own devices. A profile is believed only for an account whose
 * certificates in this group name the same key, which must be the pinned one.
 */

/** The account key every member's certificate in this group names, by account. */
export function memberKeys(state: GroupState): Map<string, Uint8Array> {
  return new Map(groupMembers(state).map((m) => [m.accountId, m.accountPublicKey]))
}

/**
 * Takes the delivery token and profile key from a profile another member
 * shared — only for an account in this group whose certificates name the
 * same key, and only if that key is the one pinned for it.
 */
function learnProfile(r: Received, profile: MemberProfile | undefined, friend?: boolean): boolean {
  if (!profile || !isWellFormedProfile(profile)) return false
  const accountId = id(profile.accountId)
  if (accountId === r.engine.myAccountId) return false
  const key = memberKeys(r.state).get(accountId)
  if (!key || !bytesEqual(key, profile.accountPublicKey)) return false
  const direct = r.conversation.kind === "direct" ? r.conversation.id : undefined
  const merge = (current: ContactRecord | undefined) => {
    const updated = withProfile(current ?? newContact(accountId, key), profile)
    if (updated && friend) {
      updated.friend = true
      if (direct) updated.directConversationId = direct
    }
    return updated
  }
  if (!merge(r.engine.contacts.get(accountId, r.batch))) return false
  r.engine.contacts.update(r.batch, accountId, merge)
  return true
}

export async function onSnapshot(
  r: Received,
  snapshot: {
    kind: number
    name: string
    adminAccountIds: Uint8Array[]
    members: MemberProfile[]
    expireAfterMs: bigint
  },
): Promise<void> {
  for (const profile of snapshot.members) learnProfile(r, profile)
  const conversation = r.conversation
  if (conversation.kind !== "unknown") return // Existing members take profiles only; names and roles change by their own messages.
  const kind = kindFromWire(snapshot.kind)
  const accounts = [...memberKeys(r.state).keys()]
  const me = r.engine.myAccountId
  if (kind === "unknown") return
  if (kind === "self" && accounts.some((a) => a !== me)) return
  if (kind === "direct" && accounts.length !== 2) return
  conversation.kind = kind
  conversation.name = kind === "group" ? snapshot.name.slice(0, 200) : ""
  conversation.admins = snapshot.adminAccountIds.map(id).filter((a) => accounts.includes(a))
  // A joiner applies the timer the group already has; later changes come as DisappearingTimer messages.
  const timerMs = Number(snapshot.expireAfterMs)
  if (isAllowedTimer(timerMs) && timerMs > 0) conversation.timerMs = timerMs
  if (kind === "direct") {
    conversation.peer = accounts.find((a) => a !== me)
    // Only this account's own device (linking it) can tell it a direct conversation is with a friend.
    const directId = conversation.id
    if (conversation.peer && fromMe(r)) {
      r.engine.contacts.update(
        r.batch,
        conversation.peer,
        (c) => c && { ...c, friend: true, directConversationId: directId },
      )
    }
  }
  if (kind === "self" && fromMe(r)) {
    const selfConversationId = conversation.id
    r.engine.updateMeta(r.batch, (meta) => ({ ...meta, selfConversationId }))
  }
  const mine = snapshot.members.find((p) => id(p.accountId) === me)
  conversation.announced =
    fromMe(r) || (!!mine && bytesEqual(mine.deliveryToken, r.engine.me().deliveryToken))
  if (!conversation.announced) {
    const conversationId = conversation.id
    r.batch.later(() => sendMemberInfo(r.engine, conversationId))
  }
  r.batch.emit({ type: "conversation-added", conversation: await conversationView(r.engine, conversation) })
}

async function sendMemberInfo(engine: Engine, conversationId: string): Promise<void> {
  await sendContent(engine, conversationId, {
    case: "memberInfo",
    value: create(pb.MemberInfoSchema, { profile: myProfile(engine) }),
  })
}

export async function onFriendRequest(
  r: Received,
  from: MemberProfile | undefined,
  greeting: string,
): Promise<void> {
  const conversation = r.conversation
  if (!from || id(from.accountId) !== r.sender.accountId) return
  if (conversation.kind !== "unknown" && conversation.kind !== "direct") return
  const me = r.engine.myAccountId
  const accounts = [...memberKeys(r.state).keys()]
  const peer = accounts.find((a) => a !== me)
  if (accounts.length !== 2 || !peer) return
  conversation.kind = "direct"
  conversation.peer = peer
  conversation.greeting = greeting.slice(0, 500)
  if (fromMe(r)) {
    conversation.status = "outgoing-request"
    r.batch.emit({ type: "conversation-added", conversation: await conversationView(r.engine, conversation) })
    return
  }
  if (!learnProfile(r, from)) return
  fetchNameLater(r, peer)
  conversation.status = "incoming-request"
  r.batch.emit({
    type: "friend-request",
    request: {
      id: conversation.id,
      accountId: peer,
      greeting: conversation.greeting,
      receivedAtMs: r.engine.clock.now(),
    },
  })
}

export function onFriendAccept(r: Received, from: MemberProfile | undefined): void {
  const conversation = r.conversation
  if (conversation.kind !== "direct" || !conversation.peer) return
  if (!from || id(from.accountId) !== r.sender.accountId) return
  const peer = conversation.peer
  if (fromMe(r)) {
    // This account accepted on another device.
    if (!r.engine.contacts.get(peer, r.batch)) return
    const directId = conversation.id
    r.engine.contacts.update(
      r.batch,
      peer,
      (c) => c && { ...c, friend: true, directConversationId: directId },
    )
  } else {
    if (r.sender.accountId !== peer || !learnProfile(r, from, true)) return
    fetchNameLater(r, peer)
  }
  conversation.status = "active"
  r.batch.emit({ type: "friend-accepted", accountId: peer, conversationId: conversation.id })
}

/** Caches a new friend's display name (their encrypted profile), so lists can show it. */
function fetchNameLater(r: Received, accountId: string): void {
  const engine = r.engine
  r.batch.later(() => profileOf(engine, accountId).catch(() => undefined))
}

export function onMemberInfo(r: Received, profile: MemberProfile | undefined): void {
  if (!profile || id(profile.accountId) !== r.sender.accountId) return
  learnProfile(r, profile)
}

/** Only this account's own devices, in its self conversation, may change its friend list. */
export function onContacts(r: Received, friends: MemberProfile[]): void {
  if (r.conversation.kind !== "self" || !fromMe(r)) return
  for (const profile of friends) {
    if (!isWellFormedProfile(profile)) continue
    const accountId = id(profile.accountId)
    if (accountId === r.engine.myAccountId) continue
    r.engine.contacts.update(r.batch, accountId, (current) => {
      const updated = withProfile(current ?? newContact(accountId, profile.accountPublicKey), profile)
      return updated && { ...updated, friend: true }
    })
  }
}
