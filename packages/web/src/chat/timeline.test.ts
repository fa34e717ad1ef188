import { describe, expect, it } from "vitest"
import { buildTimeline, firstUnreadOf } from "./timeline"
import type { ChatMessage } from "../model/viewTypes"

const at = (d: number, h: number) => new Date(2026, 0, d, h).getTime()
const msg = (id: string, time: number, mine: boolean, senderId = mine ? "me" : "them"): ChatMessage => ({
  id,
  at: time,
  mine,
  senderId,
  body: { kind: "text", text: id },
})

describe("timeline", () => {
  const messages = [
    msg("a", at(1, 9), false),
    msg("b", at(1, 10), false),
    msg("c", at(2, 9), true),
    msg("d", at(2, 11), false),
  ]

  it("separates days and shows a sender only when it changes", () => {
    const items = buildTimeline(messages)
    expect(items.map((i) => i.kind)).toEqual(["day", "message", "message", "day", "message", "message"])
    const shown = items.flatMap((i) => (i.kind === "message" ? [[i.message.id, i.showSender]] : []))
    expect(shown).toEqual([
      ["a", true],
      ["b", false],
      ["c", false],
      ["d", true],
    ])
  })

  it("puts the unread marker before the first unread message", () => {
    expect(firstUnreadOf(messages, 2)).toBe("b")
    expect(firstUnreadOf(messages, 0)).toBeUndefined()
    const items = buildTimeline(messages, "b", 2)
    expect(items.findIndex((i) => i.kind === "unread")).toBe(2)
  })
})
