import { create } from "@bufbuild/protobuf"
import { assertNever, bytesEqual, content as pb, Limits, toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import { newContact, withProfile, type ContactRecord } from "./contacts"
import { isWellFormedProfile, type Content, type ContentBody, type MemberProfile } from "./contentCodec"
import type { ConversationRecord } from "./conversation"
import { conversationView } from "./conversationView"
import type { Engine } from "./engine"
import { appendMessage, findMessage, putMessage, toView } from "./messageLog"
import { groupMembers, type GroupState, type Member } from "./mlsGroup"
import { isConversationAdmin } from "./policy"
import { profileOf } from "./profile"
import { kindFromWire, myProfile } from "./profiles"
import { sendContent } from "./send"

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

const id = (bytes: Uint8Array) => toBase64Url(bytes)

/** Applies a message's content to the conversation; every rule a receiver enforces lives here. */
export async function applyContent(r: Received): Promise<void> {
  const body = r.content.body
  switch (body.case) {
    case "text":
      return onText(r, body.value.body, body.value.replyTo)
    case "recall":
      return onRecall(r, id(body.value.messageId))
    case "readReceipt":
      return onReadReceipt(r, body.value.messageIds.map(id))
    case "groupSnapshot":
      return onSnapshot(r, body.value)
    case "rename":
      return onRename(r, body.value.name)
    case "adminChange":
      return onAdminChange(r, id(body.value.accountId), body.value.admin)
    case "friendRequest":
      return onFriendRequest(r, body.value.from, body.value.greeting)
    case "friendAccept":
      return onFriendAccept(r, body.value.from)
    case "memberInfo":
      return onMemberInfo(r, body.value.profile)
    case "contacts":
      return onContacts(r, body.value.friends)
    default:
      assertNever(body)
  }
}

const fromMe = (r: Received) => r.sender.accountId === r.engine.myAccountId
const sentAt = (r: Received) => Number(r.content.sentAtMs)

async function onText(r: Received, text: string, replyTo: Uint8Array): Promise<void> {
  const messageId = id(r.content.messageId)
  if (await findMessage(r.engine.store, r.conversation.id, messageId)) return // [E3] shown once
  const record = appendMessage(r.batch, r.conversation, {
    id: messageId,
    kind: "text",
    senderAccountId: r.sender.accountId,
    senderDeviceId: r.sender.deviceId,
    sentAtMs: sentAt(r),
    receivedAtMs: r.engine.clock.now(),
    body: text,
    replyTo: replyTo.length > 0 ? id(replyTo) : undefined,
    recalled: false,
    outgoing: fromMe(r),
    read: fromMe(r),
    readBy: [],
  })
  r.batch.emit({
    type: "message",
    conversationId: r.conversation.id,
    message: toView(r.conversation.id, record),
  })
}

/** [E1] Only the sender's own account, and only within the recall window of the original's send time. */
async function onRecall(r: Received, messageId: string): Promise<void> {
  const target = await findMessage(r.engine.store, r.conversation.id, messageId)
  if (!target || target.recalled || target.kind !== "text") return
  if (target.senderAccountId !== r.sender.accountId) return
  const elapsed = sentAt(r) - target.sentAtMs
  if (elapsed < 0 || elapsed > Limits.recallWindowMs) return
  putMessage(r.batch, r.conversation.id, { ...target, recalled: true, body: "" })
  r.conversation.unread = r.conversation.unread.filter((u) => u !== messageId)
  r.batch.emit({
    type: "recalled",
    conversationId: r.conversation.id,
    messageId,
    byAccountId: r.sender.accountId,
  })
}

async function onReadReceipt(r: Received, messageIds: string[]): Promise<void> {
  const marked: string[] = []
  for (const messageId of messageIds.slice(0, 1000)) {
    const message = await findMessage(r.engine.store, r.conversation.id, messageId)
    if (!message || message.senderAccountId === r.sender.accountId) continue
    if (fromMe(r)) {
      // Another of this account's devices read it: it is read here too.
      if (message.read) continue
      putMessage(r.batch, r.conversation.id, { ...message, read: true })
      r.conversation.unread = r.conversation.unread.filter((u) => u !== messageId)
    } else {
      if (message.readBy.includes(r.sender.accountId)) continue
      putMessage(r.batch, r.conversation.id, { ...message, readBy: [...message.readBy, r.sender.accountId] })
    }
    marked.push(messageId)
  }
  if (marked.length > 0) {
    r.batch.emit({
      type: "read",
      conversationId: r.conversation.id,
      messageIds: marked,
      byAccountId: r.sender.accountId,
    })
  }
}

/** The account key every member's certificate in this group names, by account. */
function memberKeys(state: GroupState): Map<string, Uint8Array> {
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

async function onSnapshot(
  r: Received,
  snapshot: { kind: number; name: string; adminAccountIds: Uint8Array[]; members: MemberProfile[] },
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

/** [E2] Names and roles change only by a current admin, in a group. */
function onRename(r: Received, name: string): void {
  if (!isConversationAdmin(r.conversation, r.state, r.sender.accountId)) return
  r.conversation.name = name.slice(0, 200)
  r.batch.emit({
    type: "renamed",
    conversationId: r.conversation.id,
    name: r.conversation.name,
    byAccountId: r.sender.accountId,
  })
}

function onAdminChange(r: Received, accountId: string, admin: boolean): void {
  if (!isConversationAdmin(r.conversation, r.state, r.sender.accountId)) return
  if (!memberKeys(r.state).has(accountId)) return
  const admins = new Set(r.conversation.admins.filter((a) => memberKeys(r.state).has(a)))
  if (admins.size === 0) for (const a of memberKeys(r.state).keys()) admins.add(a) // "everyone is admin" becomes explicit
  if (admin) admins.add(accountId)
  else admins.delete(accountId)
  r.conversation.admins = [...admins]
  r.batch.emit({
    type: "admin-changed",
    conversationId: r.conversation.id,
    accountId,
    admin,
    byAccountId: r.sender.accountId,
  })
}

async function onFriendRequest(
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

function onFriendAccept(r: Received, from: MemberProfile | undefined): void {
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

function onMemberInfo(r: Received, profile: MemberProfile | undefined): void {
  if (!profile || id(profile.accountId) !== r.sender.accountId) return
  learnProfile(r, profile)
}

/** Only this account's own devices, in its self conversation, may change its friend list. */
function onContacts(r: Received, friends: MemberProfile[]): void {
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
