import type { MessageView } from "@kith/core"
import { describe, expect, it } from "vitest"
import { chatMessageOf, deliveryStateOf } from "./fromEngine"

const attachment: MessageView = {
  id: "m1",
  conversationId: "c1",
  kind: "attachment",
  senderAccountId: "a1",
  sentAtMs: 1000,
  receivedAtMs: 1000,
  body: "the view",
  recalled: false,
  outgoing: false,
  read: false,
  readBy: [],
  deliveredTo: [],
  attachment: {
    kind: "voice",
    blobId: "b",
    key: "k",
    digest: "d",
    size: 5000,
    contentType: "audio/webm",
    fileName: "",
    durationMs: 4200,
  },
}

describe("attachment messages in the web view model", () => {
  it("become an attachment body with its kind, size, duration and caption", () => {
    const message = chatMessageOf(attachment, new Map(), () => "Alice", true)
    expect(message.body).toEqual({
      kind: "attachment",
      media: "voice",
      fileName: "",
      size: 5000,
      durationMs: 4200,
      caption: "the view",
      waveform: [],
      played: false,
    })
    expect(message.senderName).toBe("Alice")
  })

  it("show as recalled once recalled, with nothing of the attachment left", () => {
    const recalled = { ...attachment, recalled: true, body: "", attachment: undefined }
    expect(chatMessageOf(recalled, new Map(), () => "Alice", true).body).toEqual({ kind: "recalled" })
  })
})

describe("delivery state of my messages", () => {
  const mine: MessageView = { ...attachment, outgoing: true, kind: "text", attachment: undefined }

  it("follows the outbox, then delivery and read receipts", () => {
    expect(deliveryStateOf({ ...mine, outbox: "sending" }, true)).toBe("sending")
    expect(deliveryStateOf({ ...mine, outbox: "failed" }, true)).toBe("failed")
    expect(deliveryStateOf(mine, true)).toBe("sent")
    expect(deliveryStateOf({ ...mine, deliveredTo: ["b"] }, true)).toBe("delivered")
    expect(deliveryStateOf({ ...mine, deliveredTo: ["b"], readBy: ["b"] }, true)).toBe("read")
  })

  it("shows no one's read with read receipts off, and nothing for others' messages", () => {
    expect(deliveryStateOf({ ...mine, deliveredTo: ["b"], readBy: ["b"] }, false)).toBe("delivered")
    expect(deliveryStateOf({ ...mine, outgoing: false, deliveredTo: ["b"] }, true)).toBeUndefined()
  })
})

describe("my messages a full mailbox missed", () => {
  const mine: MessageView = { ...attachment, outgoing: true, kind: "text", attachment: undefined }

  it("name, per person, whether one or several of their devices missed it", () => {
    const names: Record<string, string> = { carol: "Carol", dave: "Dave" }
    const message = chatMessageOf(
      {
        ...mine,
        unreachable: [
          { accountId: "carol", deviceIds: ["c1"] },
          { accountId: "dave", deviceIds: ["d1", "d2"] },
        ],
      },
      new Map(),
      (id) => names[id]!,
      true,
    )
    expect(message.unreachable).toEqual([
      { name: "Carol", several: false },
      { name: "Dave", several: true },
    ])
    expect(chatMessageOf(mine, new Map(), () => "Alice", true).unreachable).toBeUndefined()
  })
})
