import { ErrorCode, KithError } from "@kith/protocol"
import { Batch } from "./batch"
import type { Engine } from "./engine"
import { eraseMessages } from "./erase"
import { findMessage, type MessageRecord } from "./messageLog"

/**
 * "Delete for me": the messages' plaintext leaves this device's store now.
 * The other members and this account's other devices keep their copies (a
 * recall is how a sender withdraws a message from everyone).
 */
export async function deleteForMe(
  engine: Engine,
  conversationId: string,
  messageIds: string[],
): Promise<void> {
  await engine.groups.lock(conversationId, async () => {
    const conversation = engine.conversations.get(conversationId)
    if (!conversation) throw new KithError(ErrorCode.NoSuchConversation, "no such conversation")
    const found: MessageRecord[] = []
    for (const id of new Set(messageIds)) {
      const record = await findMessage(engine.store, conversationId, id)
      if (record) found.push(record)
    }
    if (found.length === 0) return
    const batch = new Batch()
    await eraseMessages(engine.store, batch, conversation, found)
    engine.conversations.set(batch, conversation)
    await engine.apply(batch)
  })
  await engine.store.scrub?.()
}
