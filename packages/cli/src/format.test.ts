import { describe, expect, it } from "vitest"
import type { ConversationView, MessageView } from "@kith/core"
import { conversationLine, conversationTitle, groupDigits, messageLine } from "./format"

const direct: ConversationView = {
  id: "c1",
  kind: "direct",
  status: "active",
  name: "Bob",
  members: [
    { accountId: "me", deviceIds: [], displayName: "Me", admin: false, self: true },
    { accountId: "acc-bob", deviceIds: [], displayName: "Bob", admin: false, self: false },
  ],
  admins: [],
  unreadCount: 2,
  timerMs: 0,
}

const message = (fields: Partial<MessageView>): MessageView => ({
  id: "m1",
  conversationId: "c1",
  kind: "text",
  senderAccountId: "acc-bob",
  sentAtMs: Date.UTC(2026, 0, 2, 3, 4),
  receivedAtMs: Date.UTC(2026, 0, 2, 3, 4),
  body: "hello",
  recalled: false,
  outgoing: false,
  read: false,
  readBy: [],
  deliveredTo: [],
  ...fields,
})

describe("messageLine", () => {
  it("shows sender, body and id, with a star while unread", () => {
    expect(messageLine(message({}), direct, [])).toMatch(/ {2}Bob: hello {2}\[m1\] \*$/)
    expect(messageLine(message({ read: true }), direct, [])).toMatch(/Bob: hello {2}\[m1\]$/)
  })

  it("calls your own messages yours, and never shows a recalled body", () => {
    expect(messageLine(message({ outgoing: true, senderAccountId: "me" }), direct, [])).toContain(
      "you: hello",
    )
    const recalled = messageLine(message({ recalled: true, body: "secret" }), direct, [])
    expect(recalled).toContain("Bob: (recalled)")
    expect(recalled).not.toContain("secret")
  })

  it("shows a message that could not be decrypted as such", () => {
    expect(messageLine(message({ kind: "decrypt-failed", body: "bad epoch" }), direct, [])).toContain(
      "could not be decrypted",
    )
  })
})

describe("lines the engine writes", () => {
  it("says who set or turned off the disappearing-messages timer", () => {
    expect(messageLine(message({ kind: "notice", body: "", timerMs: 300_000 }), direct, [])).toContain(
      "Bob set disappearing messages to 5m",
    )
    expect(
      messageLine(message({ kind: "notice", body: "", timerMs: 0, outgoing: true }), direct, []),
    ).toContain("You turned off disappearing messages")
  })

  it("shows a gap in someone's messages as a warning line", () => {
    expect(messageLine(message({ kind: "notice", body: "", missing: 2 }), direct, [])).toContain(
      "! 2 message(s) from Bob did not arrive",
    )
  })
})

describe("conversation lines", () => {
  it("titles a direct chat by the other person and shows the unread count", () => {
    expect(conversationTitle(direct, [])).toBe("Bob")
    expect(conversationLine(direct, [])).toContain("(2 unread)")
  })
})

describe("groupDigits", () => {
  it("shows a 60-digit safety number as three lines of four groups of five", () => {
    const digits = "012345678901234567890123456789012345678901234567890123456789"
    expect(groupDigits(digits)).toEqual([
      "  01234 56789 01234 56789",
      "  01234 56789 01234 56789",
      "  01234 56789 01234 56789",
    ])
  })
})
