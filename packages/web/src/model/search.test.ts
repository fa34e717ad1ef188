import { describe, expect, it } from "vitest"
import { searchMessages } from "./search"
import type { ChatMessage, ChatSummary } from "./viewTypes"

const chat = (id: string): ChatSummary => ({
  id,
  kind: "direct",
  title: id,
  memberIds: [],
  adminIds: [],
  unread: 0,
  activityAt: 0,
  timerMs: 0,
})
const text = (id: string, body: string, at: number): ChatMessage => ({
  id,
  at,
  mine: false,
  body: { kind: "text", text: body },
})

describe("local search", () => {
  const messages: Record<string, ChatMessage[]> = {
    a: [
      text("1", "Dinner at eight?", 1),
      text("2", "see you", 2),
      { id: "3", at: 3, mine: true, body: { kind: "recalled" } },
    ],
    b: [text("4", "DINNER was great", 5)],
  }
  const run = (q: string) => searchMessages(q, [chat("a"), chat("b")], (id) => messages[id] ?? [])

  it("finds text case-insensitively across chats, newest first", () => {
    expect(run("dinner").map((h) => h.messageId)).toEqual(["4", "1"])
  })

  it("never finds recalled messages or matches an empty query", () => {
    expect(run("")).toEqual([])
    expect(run("recalled")).toEqual([])
  })
})
