import { toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { appendMessage } from "./messageLog"

/**
 * [E4] A payload that cannot be read becomes a visible record — in its
 * conversation when we know which one, in a global list otherwise — and an
 * event. It is then acknowledged like any other: never a crash, never a
 * silent drop.
 */
export function recordFailure(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord | undefined,
  reason: string,
): void {
  const atMs = engine.clock.now()
  if (conversation) {
    appendMessage(batch, conversation, {
      id: toBase64Url(engine.newId()),
      kind: "decrypt-failed",
      sentAtMs: atMs,
      receivedAtMs: atMs,
      body: `could not decrypt a message: ${reason}`,
      recalled: false,
      outgoing: false,
      read: true,
      readBy: [],
    })
    engine.conversations.set(batch, conversation)
  } else {
    batch.put(`failed/${String(atMs).padStart(15, "0")}/${toBase64Url(engine.newId())}`, { reason, atMs })
  }
  batch.emit({ type: "decrypt-failed", conversationId: conversation?.id, reason, atMs })
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
