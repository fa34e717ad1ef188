import type {
  ConversationView,
  FriendRequestView as EngineFriendRequest,
  FriendView as EngineFriend,
} from "@kith/core"
import { chatSummaryOf, type NameOf } from "./fromEngine"
import type { ChatSummary, FriendRequestView, Person } from "./viewTypes"

/** What the engine lists, read in one go at each refresh. */
export interface EngineLists {
  conversations: ConversationView[]
  friends: EngineFriend[]
  incoming: EngineFriendRequest[]
}

export interface ListsContext {
  myAccountId: string
  nameOf: NameOf
  blocked: ReadonlySet<string>
  /** Per chat: messages read here with read receipts off, which the engine still counts as unread. */
  readSilently: Readonly<Record<string, string[]>>
}

export interface ChatLists {
  chats: ChatSummary[]
  friends: Person[]
  requests: FriendRequestView[]
}

/**
 * The chat list, the friends and the friend requests as the screens show
 * them: newest chat first, nothing from a blocked account, and requests
 * still waiting for an answer kept apart from the chats.
 */
export function chatListsOf(lists: EngineLists, context: ListsContext): ChatLists {
  const { conversations, friends, incoming } = lists
  const { myAccountId, nameOf, blocked, readSilently } = context
  const chats = conversations
    .filter((c) => c.kind !== "self" && c.status !== "declined" && c.status !== "incoming-request")
    .map((c) => {
      const chat = chatSummaryOf(c, myAccountId, nameOf, blocked)
      const readHere = readSilently[c.id]?.length ?? 0
      return { ...chat, unread: Math.max(0, chat.unread - readHere) }
    })
    .filter((c) => !(c.kind === "direct" && c.peerId && blocked.has(c.peerId)))
    .sort((a, b) => b.activityAt - a.activityAt)
  const people: Person[] = friends.map((f) => ({
    accountId: f.accountId,
    name: nameOf(f.accountId),
    username: f.username,
    verified: f.verified,
    blocked: blocked.has(f.accountId),
  }))
  const requests: FriendRequestView[] = [
    ...incoming
      .filter((r) => !blocked.has(r.accountId))
      .map((r) => ({
        id: r.id,
        direction: "incoming" as const,
        accountId: r.accountId,
        name: nameOf(r.accountId),
        greeting: r.greeting || undefined,
        at: r.receivedAtMs,
      })),
    ...conversations
      .filter((c) => c.status === "outgoing-request")
      .map((c) => {
        const peer = c.members.find((m) => !m.self)
        return {
          id: c.id,
          direction: "outgoing" as const,
          accountId: peer?.accountId ?? "",
          name: peer ? nameOf(peer.accountId) : c.name,
          at: c.lastMessage?.sentAtMs ?? 0,
        }
      }),
  ]
  return { chats, friends: people, requests }
}

/** Everyone whose name or picture a screen may show: me, who asked, friends and the members of my chats. */
export function shownAccountIds(lists: EngineLists, myAccountId: string): string[] {
  const { conversations, friends, incoming } = lists
  const friendIds = new Set(friends.map((f) => f.accountId))
  return [
    myAccountId,
    ...incoming.map((r) => r.accountId),
    ...friends.map((f) => f.accountId),
    ...conversations.flatMap((c) =>
      c.members.filter((m) => !m.self && !friendIds.has(m.accountId)).map((m) => m.accountId),
    ),
  ]
}
