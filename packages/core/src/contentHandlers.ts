import { assertNever, Limits } from "@kith/protocol"
import { appendMessage, findMessage, putMessage, toView } from "./messageLog"
import { isConversationAdmin } from "./policy"
import {
  memberKeys,
  onContacts,
  onFriendAccept,
  onFriendRequest,
  onMemberInfo,
  onSnapshot,
} from "./profileContent"
import { fromMe, id, type Received } from "./received"
import { onAttachment } from "./attachments/receiveAttachment"
import { expiryOf, onDisappearingTimer } from "./disappearing"
import { droppedAsBlocked, onBlockList } from "./blocking"
import { onDeliveryReceipt, oweDeliveryReceipt } from "./deliveryReceipts"

/** Applies a message's content to the conversation; every rule a receiver enforces lives here. */
export async function applyContent(r: Received): Promise<void> {
  const body = r.content.body
  if (droppedAsBlocked(r)) return
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
    case "attachment":
      return onAttachment(r, body.value)
    case "deliveryReceipt":
      return onDeliveryReceipt(r, body.value.messageIds.map(id))
    case "disappearingTimer":
      return onDisappearingTimer(r, body.value.expireAfterMs)
    case "blockList":
      return onBlockList(r, body.value.accountIds)
    default:
      assertNever(body)
  }
}

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
    expiresAtMs: expiryOf(r.engine, Number(r.content.expireAfterMs)),
  })
  oweDeliveryReceipt(r, messageId)
  r.batch.emit({
    type: "message",
    conversationId: r.conversation.id,
    message: toView(r.conversation.id, record),
  })
}

/** [E1] Only the sender's own account, and only within the recall window of the original's send time. */
async function onRecall(r: Received, messageId: string): Promise<void> {
  const target = await findMessage(r.engine.store, r.conversation.id, messageId)
  if (!target || target.recalled || (target.kind !== "text" && target.kind !== "attachment")) return
  if (target.senderAccountId !== r.sender.accountId) return
  const elapsed = sentAt(r) - target.sentAtMs
  if (elapsed < 0 || elapsed > Limits.recallWindowMs) return
  putMessage(r.batch, r.conversation.id, { ...target, recalled: true, body: "", attachment: undefined })
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
