import { ErrorCode } from "@kith/protocol"
import type { ConversationView, FriendView, KithClient } from "@kith/core"
import { resolveOne, type Candidate } from "./resolve"

/**
 * Turns what a user types (an id, a username, a display name, a group name)
 * into the conversation or account the engine needs.
 */

/** Conversations one can no longer write to are reachable by id only, so names stay unambiguous. */
const closedStatuses = new Set<ConversationView["status"]>(["left", "removed", "declined"])

export function conversationCandidates(
  conversations: readonly ConversationView[],
  friends: readonly FriendView[],
): Candidate<ConversationView>[] {
  return conversations.map((conversation) => {
    if (closedStatuses.has(conversation.status) || conversation.kind === "self") {
      return { id: conversation.id, labels: [], value: conversation }
    }
    if (conversation.kind === "direct") {
      const peer = conversation.members.find((m) => !m.self)
      const friend = friends.find((f) => f.accountId === peer?.accountId)
      return {
        id: conversation.id,
        labels: [peer?.accountId, peer?.displayName, friend?.username, friend?.displayName],
        value: conversation,
      }
    }
    return { id: conversation.id, labels: [conversation.name], value: conversation }
  })
}

export function friendCandidates(friends: readonly FriendView[]): Candidate<FriendView>[] {
  return friends.map((f) => ({ id: f.accountId, labels: [f.username, f.displayName], value: f }))
}

/** Members of one conversation, also known by the names they have as friends. */
export function memberCandidates(
  conversation: ConversationView,
  friends: readonly FriendView[],
): Candidate<string>[] {
  return conversation.members.map((m) => {
    const friend = friends.find((f) => f.accountId === m.accountId)
    return {
      id: m.accountId,
      labels: [m.displayName, friend?.username, friend?.displayName],
      value: m.accountId,
    }
  })
}

/**
 * Display names live in encrypted profiles the engine reads on request. This
 * fetches them for the given accounts (the engine keeps what it learns), so
 * people can be shown and found by name. An unreadable profile just leaves
 * the account unnamed.
 */
export async function learnNames(client: KithClient, accountIds: Iterable<string>): Promise<void> {
  await Promise.allSettled([...new Set(accountIds)].map((id) => client.profileOf(id)))
}

/** Friends, with names fetched for those not yet named (or for all, to pick up changes). */
export async function namedFriends(client: KithClient, refreshAll = false): Promise<FriendView[]> {
  const friends = await client.friends()
  const unnamed = friends.filter((f) => refreshAll || f.displayName === undefined)
  if (unnamed.length === 0) return friends
  await learnNames(
    client,
    unnamed.map((f) => f.accountId),
  )
  return client.friends()
}

/** A conversation with names fetched for members not yet named. */
export async function withMemberNames(
  client: KithClient,
  conversation: ConversationView,
): Promise<ConversationView> {
  const unnamed = conversation.members.filter((m) => !m.self && m.displayName === undefined)
  if (unnamed.length === 0) return conversation
  await learnNames(
    client,
    unnamed.map((m) => m.accountId),
  )
  return client.conversation(conversation.id)
}

export async function findConversation(client: KithClient, query: string): Promise<ConversationView> {
  // Names first: conversation views take members' names from what the engine knows.
  const friends = await namedFriends(client)
  const conversations = await client.conversations()
  return resolveOne(
    query,
    conversationCandidates(conversations, friends),
    "conversation",
    ErrorCode.NoSuchConversation,
  )
}

export async function findFriend(client: KithClient, query: string): Promise<FriendView> {
  return resolveOne(query, friendCandidates(await namedFriends(client)), "friend", ErrorCode.NotAFriend)
}

/** Friends named on a command line, as account ids (each name must name exactly one friend). */
export async function findFriends(client: KithClient, queries: readonly string[]): Promise<string[]> {
  const candidates = friendCandidates(await namedFriends(client))
  return queries.map((q) => resolveOne(q, candidates, "friend", ErrorCode.NotAFriend).accountId)
}
