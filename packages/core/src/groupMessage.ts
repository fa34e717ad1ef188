import { toBase64Url } from "@kith/protocol"
import {
  zeroOutUint8Array,
  type IncomingMessageCallback,
  type MlsPrivateMessage,
  type MlsPublicMessage,
} from "ts-mls"
import { Batch } from "./batch"
import { applyContent } from "./contentHandlers"
import { decodeContent } from "./contentCodec"
import { commitChange } from "./commits"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { describe, recordFailure } from "./failures"
import { applyMembershipChange, isDesignatedCommitter } from "./membership"
import { groupMembers, processGroupMessage, type GroupState } from "./mlsGroup"
import { membershipPolicy } from "./policy"
import { ratchetChange, recordRatchetChange } from "./gaps"

type GroupMessage = MlsPrivateMessage | MlsPublicMessage

export function groupIdOfMessage(message: GroupMessage): string {
  return toBase64Url(
    message.wireformat === "mls_private_message"
      ? message.privateMessage.groupId
      : message.publicMessage.content.groupId,
  )
}

/**
 * Processes one message of a group under the group's lock and stores its
 * effects with the payload's digest in one write ([E3]): an application
 * message's content, a proposal to leave, or a commit's membership change.
 */
export async function receiveGroupMessage(
  engine: Engine,
  digest: string,
  message: GroupMessage,
): Promise<void> {
  const groupId = groupIdOfMessage(message)
  await engine.groups.lock(groupId, async () => {
    const seenKey = `seen/${digest}`
    if (await engine.store.get(seenKey)) return
    const batch = new Batch()
    batch.put(seenKey, engine.clock.now())
    const echo = engine.pendingEchoes.get(digest)
    const state = await engine.groups.get(groupId)
    const conversation = engine.conversations.get(groupId)
    if (echo && state && state.groupContext.epoch === echo.fromEpoch) {
      // Our own commit, whose acceptance we never heard: it was accepted.
      engine.pendingEchoes.delete(digest)
      echo.apply(batch)
      return engine.apply(batch)
    }
    if (!state || !conversation) {
      if (conversation && ["left", "removed", "declined"].includes(conversation.status))
        return engine.apply(batch)
      recordFailure(engine, batch, conversation, "a message for a conversation this device is not in")
      return engine.apply(batch)
    }
    let lastIncoming: Parameters<IncomingMessageCallback>[0] | undefined
    const policy = membershipPolicy(state, conversation)
    const callback: IncomingMessageCallback = (incoming) => {
      lastIncoming = incoming
      return policy(incoming)
    }
    let consumed: Uint8Array[] = []
    let work = batch
    try {
      const processed = await processGroupMessage(state, message, callback)
      consumed = processed.consumed
      if (processed.kind === "application") {
        const change = ratchetChange(state, processed.state, processed.sender.leafIndex)
        await recordRatchetChange(engine, batch, conversation, state, processed.sender, change)
        const content = decodeContent(processed.plaintext)
        await applyContent({
          engine,
          batch,
          conversation,
          state: processed.state,
          sender: processed.sender,
          content,
        })
        engine.groups.set(batch, groupId, processed.state)
        engine.conversations.set(batch, conversation)
      } else if (!processed.accepted) {
        recordFailure(engine, batch, conversation, "a membership change this member may not make was refused")
      } else if (lastIncoming?.kind === "proposal") {
        onLeaveRequest(
          engine,
          batch,
          conversation,
          state,
          processed.state,
          lastIncoming.proposal.senderLeafIndex,
        )
      } else {
        onCommit(engine, batch, conversation, state, processed.state)
      }
    } catch (e) {
      // Nothing of a half-applied message is kept: only the digest and the failure record.
      work = new Batch()
      work.put(seenKey, engine.clock.now())
      recordFailure(engine, work, engine.conversations.get(groupId), describe(e))
    }
    await engine.apply(work)
    consumed.forEach(zeroOutUint8Array)
  })
}

/** A member asked to leave (a Remove proposal for its own leaf): remember it, and commit it if it falls to us. */
function onLeaveRequest(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  before: GroupState,
  after: GroupState,
  proposerLeaf: number | undefined,
): void {
  const proposer = groupMembers(before).find((m) => m.leafIndex === proposerLeaf)?.accountId
  if (!proposer) return
  if (proposer === engine.myAccountId) {
    // This account left on another of its devices: this device leaves with it.
    conversation.status = "left"
    engine.groups.remove(batch, conversation.id)
    engine.conversations.set(batch, conversation)
    batch.emit({ type: "removed-from-conversation", conversationId: conversation.id })
    return
  }
  if (!conversation.leaving.includes(proposer)) conversation.leaving.push(proposer)
  engine.groups.set(batch, conversation.id, after)
  engine.conversations.set(batch, conversation)
  scheduleLeaverRemoval(engine, batch, conversation, after)
}

function onCommit(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  before: GroupState,
  after: GroupState,
): void {
  if (after.groupActiveState.kind === "removedFromGroup") {
    if (conversation.status === "active" || conversation.status.endsWith("request"))
      conversation.status = "removed"
    engine.groups.remove(batch, conversation.id)
    engine.conversations.set(batch, conversation)
    batch.emit({ type: "removed-from-conversation", conversationId: conversation.id })
    return
  }
  applyMembershipChange(engine, batch, conversation, groupMembers(before), groupMembers(after))
  engine.groups.set(batch, conversation.id, after)
  engine.conversations.set(batch, conversation)
  scheduleLeaverRemoval(engine, batch, conversation, after)
}

function scheduleLeaverRemoval(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  state: GroupState,
): void {
  if (!isDesignatedCommitter(state, conversation)) return
  const groupId = conversation.id
  batch.later(() => commitChange(engine, groupId, () => ({ proposals: [] })))
}
