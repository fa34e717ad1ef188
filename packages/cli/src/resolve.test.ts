import { describe, expect, it } from "vitest"
import { ErrorCode, KithError } from "@kith/protocol"
import { normalizeName, resolveOne, type Candidate } from "./resolve"

const chats: Candidate<string>[] = [
  { id: "c1", labels: ["alice", "Alice Liddell"], value: "direct with alice" },
  { id: "c2", labels: ["Book club"], value: "group book club" },
  { id: "c3", labels: ["bob", "Sam"], value: "direct with bob" },
  { id: "c4", labels: ["sam", undefined], value: "direct with another sam" },
]

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (e) {
    return e instanceof KithError ? e.code : "not a KithError"
  }
  return undefined
}

describe("resolveOne", () => {
  it("takes an exact id first", () => {
    expect(resolveOne("c2", chats, "conversation", ErrorCode.NoSuchConversation)).toBe("group book club")
  })

  it("finds a conversation by username, display name or group name, ignoring case and a leading @", () => {
    expect(resolveOne("@Alice", chats, "conversation", ErrorCode.NoSuchConversation)).toBe(
      "direct with alice",
    )
    expect(resolveOne("alice liddell", chats, "conversation", ErrorCode.NoSuchConversation)).toBe(
      "direct with alice",
    )
    expect(resolveOne(" book CLUB ", chats, "conversation", ErrorCode.NoSuchConversation)).toBe(
      "group book club",
    )
  })

  it("compares names after NFKC normalisation", () => {
    expect(normalizeName("ｂｏｂ")).toBe("bob")
    expect(resolveOne("ｂｏｂ", chats, "conversation", ErrorCode.NoSuchConversation)).toBe("direct with bob")
  })

  it("refuses a name two candidates share instead of guessing", () => {
    expect(codeOf(() => resolveOne("sam", chats, "conversation", ErrorCode.NoSuchConversation))).toBe(
      ErrorCode.BadRequest,
    )
  })

  it("reports an unknown name with the caller's code", () => {
    expect(codeOf(() => resolveOne("carol", chats, "friend", ErrorCode.NotAFriend))).toBe(
      ErrorCode.NotAFriend,
    )
    expect(codeOf(() => resolveOne("", chats, "conversation", ErrorCode.NoSuchConversation))).toBe(
      ErrorCode.NoSuchConversation,
    )
  })

  it("counts one candidate once even if several of its labels match", () => {
    const same: Candidate<string>[] = [{ id: "x", labels: ["kim", "Kim"], value: "kim" }]
    expect(resolveOne("kim", same, "friend", ErrorCode.NotAFriend)).toBe("kim")
  })
})
