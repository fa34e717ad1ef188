import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import { sha256 } from "@noble/hashes/sha2.js"
import { zeroOutUint8Array, type Proposal } from "ts-mls"
import { Batch } from "./batch"
import { encodeContent, type ContentBody } from "./contentCodec"
import type { ConversationRecord } from "./conversation"
import type { Recipient } from "./delivery"
import type { Engine } from "./engine"
import { applyMembershipChange } from "./membership"
import {
  commitProposals,
  encryptApplication,
  epochOf,
  groupMembers,
  isActive,
  ownLeafIndex,
  type GroupState,
  type Member,
} from "./mlsGroup"
import { storeSealedTree } from "./treeStorage"
import { canSubmit, submitCommit } from "./transport"

/**
 * A membership change to make, computed from the group's current state — and
 * computed again on that newer state after a conflict, so it must describe
 * the goal ("these devices in", "those leaves out"), not one attempt.
 */
export interface CommitPlan {
  proposals: Proposal[]
  /** Content sent in the new epoch right behind the commit, in the same frame (snapshot, friend request). */
  contents?: (after: GroupState) => ContentBody[]
  /** Accounts addressed unsealed: strangers receiving a friend request ([W7]). */
  unsealed?: Set<string>
  /** Changes to the conversation record once the commit is accepted. */
  update?: (conversation: ConversationRecord) => void
  /** Commit even with nothing to propose: the update path renews this device's keys (selfUpdate.ts). */
  selfUpdate?: boolean
}

export type Planner = (state: GroupState, conversation: ConversationRecord) => CommitPlan | undefined

const ATTEMPTS = 6
const CONFLICT_WAIT_MS = 20_000

/**
 * Commits a change ([W8]): one operation per group at a time; the new state
 * becomes current only once the server accepted the commit; after an epoch
 * conflict it waits for the winning commit to arrive, then plans again on the
 * new state. Removals of members that asked to leave ride along with any
 * commit. Resolves true when a commit was accepted, false when there was
 * nothing to do.
 */
export async function commitChange(engine: Engine, groupId: string, planner: Planner): Promise<boolean> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (engine.closed) throw new KithError(ErrorCode.Network, "the client is closed")
    const outcome = await engine.groups.lock(groupId, () => attemptCommit(engine, groupId, planner))
    if (outcome.kind === "done") return true
    if (outcome.kind === "nothing") return false
    await engine.groups.waitForEpochAbove(groupId, outcome.epoch, CONFLICT_WAIT_MS, engine.clock)
  }
  throw new KithError(ErrorCode.Conflict, `could not commit to ${groupId} after ${ATTEMPTS} attempts`)
}

type Outcome = { kind: "done" } | { kind: "nothing" } | { kind: "conflict"; epoch: bigint }

async function attemptCommit(engine: Engine, groupId: string, planner: Planner): Promise<Outcome> {
  const state = await engine.groups.get(groupId)
  const conversation = engine.conversations.get(groupId)
  if (!state || !conversation || !isActive(state)) {
    throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
  }
  const plan = planner(state, conversation) ?? { proposals: [] }
  const byReference = pendingRemovals(state)
  const planned = plan.proposals.filter(
    (p) => p.proposalType !== "remove" || !byReference.has(p.remove.removed),
  )
  const proposals = [...planned, ...leaverRemovals(state, conversation, planned)]
  if (proposals.length === 0 && Object.keys(state.unappliedProposals).length === 0 && !plan.selfUpdate)
    return { kind: "nothing" }

  const committed = await commitProposals(state, proposals, engine.options.inlineTreeMaxDevices)
  const before = groupMembers(state)
  const after = groupMembers(committed.state)
  const me = engine.myAccountId
  const recipient = (m: Member): Recipient => ({
    accountId: m.accountId,
    deviceId: m.deviceId,
    deliveryToken: plan.unsealed?.has(m.accountId) ? undefined : engine.tokenOf(m.accountId),
  })
  const self = ownLeafIndex(state)
  const beforeDevices = new Set(before.map((m) => m.deviceId))
  // The commit also comes back to this device: if the answer is lost, its echo says it was accepted.
  const commitRecipients = before.map((m) =>
    m.leafIndex === self
      ? { accountId: me, deviceId: m.deviceId, deliveryToken: engine.tokenOf(me) }
      : recipient(m),
  )
  const joiners = after.filter((m) => !beforeDevices.has(m.deviceId)).map(recipient)
  const deliveries = [{ payload: committed.commit, recipients: commitRecipients }]
  if (committed.welcome && joiners.length > 0)
    deliveries.push({ payload: committed.welcome, recipients: joiners })

  let finalState = committed.state
  const others = after.filter((m) => m.leafIndex !== ownLeafIndex(committed.state)).map(recipient)
  for (const body of plan.contents?.(committed.state) ?? []) {
    const encrypted = await encryptApplication(
      finalState,
      encodeContent(engine.newId(), engine.clock.now(), body),
    )
    finalState = encrypted.state
    if (others.length > 0) deliveries.push({ payload: encrypted.payload, recipients: others })
  }

  // Offline, nothing is sent: fail now rather than treat the commit as lost in transit.
  if (!canSubmit(engine, deliveries)) throw new KithError(ErrorCode.Network, "not connected to the server")
  const commitDigest = toBase64Url(sha256(committed.commit))
  const finish = (batch: Batch): GroupState => {
    batch.put(`seen/${commitDigest}`, engine.clock.now())
    engine.groups.set(batch, groupId, finalState)
    const updated = engine.conversations.get(groupId) ?? conversation
    applyMembershipChange(engine, batch, updated, before, after)
    plan.update?.(updated)
    engine.conversations.set(batch, updated)
    return finalState
  }

  // Joiners fetch the tree as soon as their Welcome arrives: it must be stored first.
  if (committed.sealedTree) await storeSealedTree(engine, committed.sealedTree)

  try {
    await submitCommit(engine, groupId, epochOf(state), deliveries)
  } catch (e) {
    if (!(e instanceof KithError)) throw e
    if (e.code === ErrorCode.EpochConflict) return { kind: "conflict", epoch: epochOf(state) }
    if (e.code === ErrorCode.Network) {
      engine.pendingEchoes.set(commitDigest, { groupId, fromEpoch: epochOf(state), apply: finish })
      return { kind: "conflict", epoch: epochOf(state) }
    }
    throw e
  }
  const batch = new Batch()
  finish(batch)
  await engine.apply(batch)
  committed.consumed.forEach(zeroOutUint8Array)
  return { kind: "done" }
}

/** Remove proposals for the leaves of accounts that asked to leave, unless already proposed. */
function leaverRemovals(
  state: GroupState,
  conversation: ConversationRecord,
  planned: Proposal[],
): Proposal[] {
  if (conversation.leaving.length === 0) return []
  const pending = pendingRemovals(state)
  for (const p of planned) if (p.proposalType === "remove") pending.add(p.remove.removed)
  const leaving = new Set(conversation.leaving)
  return groupMembers(state)
    .filter(
      (m) => leaving.has(m.accountId) && !pending.has(m.leafIndex) && m.leafIndex !== ownLeafIndex(state),
    )
    .map((m) => ({ proposalType: "remove", remove: { removed: m.leafIndex } }))
}

/** Leaves whose removal was already proposed in this epoch (createCommit includes those by reference). */
function pendingRemovals(state: GroupState): Set<number> {
  const pending = new Set<number>()
  for (const p of Object.values(state.unappliedProposals)) {
    if (p.proposal.proposalType === "remove") pending.add(p.proposal.remove.removed)
  }
  return pending
}

/** Plans: add these key packages' devices (those not yet in the group). */
export function addDevices(
  keyPackages: {
    deviceId: string
    keyPackage: Extract<Proposal, { proposalType: "add" }>["add"]["keyPackage"]
  }[],
): (state: GroupState) => Proposal[] {
  return (state) => {
    const present = new Set(groupMembers(state).map((m) => m.deviceId))
    return keyPackages
      .filter((k) => !present.has(k.deviceId))
      .map((k) => ({ proposalType: "add", add: { keyPackage: k.keyPackage } }))
  }
}

/** Plans: remove the leaves that match (never this device's own leaf, which MLS forbids). */
export function removeLeaves(match: (m: Member) => boolean): (state: GroupState) => Proposal[] {
  return (state) =>
    groupMembers(state)
      .filter((m) => match(m) && m.leafIndex !== ownLeafIndex(state))
      .map((m) => ({ proposalType: "remove", remove: { removed: m.leafIndex } }))
}
