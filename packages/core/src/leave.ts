import { ErrorCode, KithError } from "@kith/protocol"
import { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import { groupRecipients, type OutgoingDelivery } from "./delivery"
import type { Engine } from "./engine"
import { groupMembers, isActive, proposeRemoval } from "./mlsGroup"
import { enqueue } from "./outbox"
import { flushOutbox } from "./send"

/**
 * Leaving (or declining a friend request). A member cannot commit its own
 * removal in MLS, so it proposes the removal of each of its account's leaves
 * and forgets the group; the remaining members commit those proposals (the
 * lowest remaining leaf at once; anyone else with their next commit).
 */
export async function leaveConversation(
  engine: Engine,
  conversationId: string,
  status: Extract<ConversationRecord["status"], "left" | "declined">,
): Promise<void> {
  await engine.groups.lock(conversationId, async () => {
    const conversation = engine.conversations.get(conversationId)
    let state = await engine.groups.get(conversationId)
    if (!conversation || !state || !isActive(state)) {
      throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
    }
    const me = engine.myAccountId
    const members = groupMembers(state)
    const deliveries: OutgoingDelivery[] = []
    if (members.some((m) => m.accountId !== me)) {
      for (const mine of members.filter((m) => m.accountId === me)) {
        const proposed = await proposeRemoval(state, mine.leafIndex)
        state = proposed.state
        deliveries.push({ payload: proposed.payload, recipients: [] })
      }
      const recipients = groupRecipients(state, (a) => engine.tokenOf(a))
      for (const d of deliveries) d.recipients = recipients
    }
    const batch = new Batch()
    conversation.status = status
    conversation.unread = []
    engine.conversations.set(batch, conversation)
    engine.groups.remove(batch, conversationId)
    enqueue(engine, batch, conversationId, deliveries)
    await engine.apply(batch)
  })
  await flushOutbox(engine)
}
