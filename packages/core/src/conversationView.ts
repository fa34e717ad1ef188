import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { messageAt, toView } from "./messageLog"
import { groupMembers } from "./mlsGroup"
import { isConversationAdmin } from "./policy"
import type { ConversationView, MemberView } from "./views"

/** A display name for an account from what this device knows (never asks the server). */
export function nameOf(engine: Engine, accountId: string): string | undefined {
  if (accountId === engine.myAccountId) return engine.meta.displayName
  const contact = engine.contacts.get(accountId)
  return contact?.displayName ?? contact?.username
}

export async function conversationView(
  engine: Engine,
  conversation: ConversationRecord,
): Promise<ConversationView> {
  const state = await engine.groups.get(conversation.id)
  const members: MemberView[] = []
  if (state) {
    for (const m of groupMembers(state)) {
      const existing = members.find((v) => v.accountId === m.accountId)
      if (existing) {
        existing.deviceIds.push(m.deviceId)
        continue
      }
      members.push({
        accountId: m.accountId,
        deviceIds: [m.deviceId],
        displayName: nameOf(engine, m.accountId),
        admin: isConversationAdmin(conversation, state, m.accountId),
        self: m.accountId === engine.myAccountId,
      })
    }
  }
  const last =
    conversation.lastMessageOrder === undefined
      ? undefined
      : await messageAt(engine.store, conversation.id, conversation.lastMessageOrder)
  return {
    id: conversation.id,
    kind: conversation.kind === "unknown" ? "group" : conversation.kind,
    status: conversation.status,
    name: displayNameOf(engine, conversation),
    members,
    admins: members.filter((m) => m.admin).map((m) => m.accountId),
    lastMessage: last && toView(conversation.id, last),
    unreadCount: conversation.unread.length,
    timerMs: conversation.timerMs ?? 0,
  }
}

function displayNameOf(engine: Engine, conversation: ConversationRecord): string {
  switch (conversation.kind) {
    case "direct":
      return (conversation.peer && nameOf(engine, conversation.peer)) ?? conversation.peer ?? "direct"
    case "self":
      return "My devices"
    case "group":
    case "unknown":
      return conversation.name
  }
}
