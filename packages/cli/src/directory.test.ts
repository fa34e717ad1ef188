import { describe, expect, it } from "vitest"
import { ErrorCode } from "@kith/protocol"
import type { ConversationView, FriendView, MemberView } from "@kith/core"
import { conversationCandidates, friendCandidates, memberCandidates } from "./directory"
import { resolveOne } from "./resolve"

const me: MemberView = { accountId: "me", deviceIds: ["d0"], displayName: "Me", admin: true, self: true }
const member = (accountId: string, displayName?: string): MemberView => ({
  accountId,
  deviceIds: [`${accountId}-device`],
  displayName,
  admin: false,
  self: false,
})
const conversation = (fields: Partial<ConversationView> & Pick<ConversationView, "id" | "kind">) =>
  ({
    status: "active",
    name: "",
    members: [me],
    admins: ["me"],
    unreadCount: 0,
    timerMs: 0,
    ...fields,
  }) as ConversationView

const friends: FriendView[] = [
  { accountId: "acc-bob", displayName: "Bob", username: "bob", verified: false },
  { accountId: "acc-sam", displayName: "Sam", verified: false },
]
const conversations: ConversationView[] = [
  conversation({ id: "direct-bob", kind: "direct", name: "Bob", members: [me, member("acc-bob", "Bob")] }),
  conversation({ id: "direct-sam", kind: "direct", name: "Sam", members: [me, member("acc-sam", "Sam")] }),
  conversation({ id: "group-1", kind: "group", name: "Book club", members: [me, member("acc-bob", "Bob")] }),
  conversation({ id: "group-old", kind: "group", name: "Book club", status: "left" }),
  conversation({ id: "self", kind: "self", name: "My devices" }),
]

const find = (query: string) =>
  resolveOne(
    query,
    conversationCandidates(conversations, friends),
    "conversation",
    ErrorCode.NoSuchConversation,
  ).id

describe("conversationCandidates", () => {
  it("names a direct chat by the friend's username, display name or account id", () => {
    expect(find("bob")).toBe("direct-bob")
    expect(find("@bob")).toBe("direct-bob")
    expect(find("acc-sam")).toBe("direct-sam")
    expect(find("sam")).toBe("direct-sam")
  })

  it("names a group by its name, ignoring groups one has left", () => {
    expect(find("book club")).toBe("group-1")
  })

  it("keeps closed and self conversations reachable by id only", () => {
    expect(find("group-old")).toBe("group-old")
    expect(find("self")).toBe("self")
    expect(() => find("My devices")).toThrow(/no conversation matches/)
  })
})

describe("friendCandidates and memberCandidates", () => {
  it("find friends by username or name", () => {
    const candidates = friendCandidates(friends)
    expect(resolveOne("BOB", candidates, "friend", ErrorCode.NotAFriend).accountId).toBe("acc-bob")
    expect(resolveOne("Sam", candidates, "friend", ErrorCode.NotAFriend).accountId).toBe("acc-sam")
  })

  it("find a group's members by their name in the group or as a friend", () => {
    const group = conversation({
      id: "g",
      kind: "group",
      members: [me, member("acc-bob"), member("acc-zoe", "Zoe")],
    })
    const candidates = memberCandidates(group, friends)
    expect(resolveOne("bob", candidates, "member", ErrorCode.NotFound)).toBe("acc-bob")
    expect(resolveOne("zoe", candidates, "member", ErrorCode.NotFound)).toBe("acc-zoe")
  })
})
