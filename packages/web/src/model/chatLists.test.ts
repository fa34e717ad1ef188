import type { ConversationView, MessageView } from "@kith/core"
import { describe, expect, it } from "vitest"
import { chatListsOf, shownAccountIds, type EngineLists } from "./chatLists"

const me = { accountId: "me", deviceIds: ["d0"], admin: false, self: true }
const member = (accountId: string) => ({ accountId, deviceIds: ["d1"], admin: false, self: false })

function lastAt(at: number, from: string): MessageView {
  return {
    id: `m-${at}`,
    conversationId: "c",
    kind: "text",
    senderAccountId: from,
    sentAtMs: at,
    receivedAtMs: at,
    body: `said at ${at}`,
    recalled: false,
    outgoing: false,
    read: false,
    readBy: [],
    deliveredTo: [],
  }
}

function direct(
  id: string,
  peer: string,
  at: number,
  status: ConversationView["status"] = "active",
): ConversationView {
  return {
    id,
    kind: "direct",
    status,
    name: "",
    members: [me, member(peer)],
    admins: [],
    lastMessage: lastAt(at, peer),
    unreadCount: 3,
    timerMs: 0,
  }
}

const lists: EngineLists = {
  conversations: [
    direct("old", "alice", 100),
    direct("new", "bob", 200),
    direct("blocked", "mallory", 300),
    direct("asked", "carol", 50, "outgoing-request"),
    direct("asking", "dave", 60, "incoming-request"),
    {
      ...direct("group", "erin", 150),
      kind: "group",
      name: "Team",
      members: [me, member("erin"), member("frank")],
    },
  ],
  friends: [
    { accountId: "alice", verified: true },
    { accountId: "bob", verified: false },
  ],
  incoming: [
    { id: "r1", accountId: "dave", greeting: "hi", receivedAtMs: 60 },
    { id: "r2", accountId: "mallory", greeting: "", receivedAtMs: 70 },
  ],
}

const context = {
  myAccountId: "me",
  nameOf: (id: string) => id.toUpperCase(),
  blocked: new Set(["mallory"]),
  readSilently: { old: ["x", "y"] },
}

describe("the chat lists the screens show", () => {
  it("list chats newest first (my own requests too), without blocked people or requests waiting for my answer", () => {
    const { chats } = chatListsOf(lists, context)
    expect(chats.map((c) => c.id)).toEqual(["new", "group", "old", "asked"])
  })

  it("count as read what was read here with read receipts off", () => {
    const { chats } = chatListsOf(lists, context)
    expect(chats.find((c) => c.id === "old")?.unread).toBe(1)
    expect(chats.find((c) => c.id === "new")?.unread).toBe(3)
  })

  it("mark blocked friends and leave out requests from blocked accounts", () => {
    const { friends, requests } = chatListsOf(lists, { ...context, blocked: new Set(["mallory", "bob"]) })
    expect(friends).toEqual([
      { accountId: "alice", name: "ALICE", username: undefined, verified: true, blocked: false },
      { accountId: "bob", name: "BOB", username: undefined, verified: false, blocked: true },
    ])
    expect(requests).toEqual([
      { id: "r1", direction: "incoming", accountId: "dave", name: "DAVE", greeting: "hi", at: 60 },
      { id: "asked", direction: "outgoing", accountId: "carol", name: "CAROL", at: 50 },
    ])
  })
})

describe("whose profiles to read", () => {
  it("are mine, who asked, friends, and members of my chats, each once", () => {
    expect(new Set(shownAccountIds(lists, "me"))).toEqual(
      new Set(["me", "dave", "mallory", "alice", "bob", "carol", "erin", "frank"]),
    )
    expect(shownAccountIds(lists, "me").filter((id) => id === "alice")).toHaveLength(1)
  })
})
