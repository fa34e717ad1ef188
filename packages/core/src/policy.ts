import type { IncomingMessageCallback, ProposalWithSender } from "ts-mls"
import type { ConversationRecord } from "./conversation"
import { identifyLeaf } from "./credential"
import { groupMembers, type GroupState } from "./mlsGroup"

/**
 * Who may change a conversation's membership, checked by every receiver
 * against the end-to-end state ([E2]); the server cannot check anything.
 *
 * - Anyone may add or remove devices of their own account (linking,
 *   unlinking) and commit the removal of an account that asked to leave.
 * - In a GROUP only admins add or remove other accounts. If no admin is left,
 *   every member counts as one, so a group is never frozen.
 * - DIRECT and SELF conversations only ever change by those first rules.
 * - Other proposal types (PSK, reinit, extensions, external init) are refused.
 *
 * A standalone proposal is accepted only as a Remove of the proposer's own
 * account's leaf: that is how a member asks to leave.
 */
export function membershipPolicy(
  state: GroupState,
  conversation: ConversationRecord | undefined,
): IncomingMessageCallback {
  const accountAt = new Map(groupMembers(state).map((m) => [m.leafIndex, m.accountId]))
  const present = new Set(accountAt.values())
  const admins = (conversation?.admins ?? []).filter((a) => present.has(a))
  const isAdmin = (accountId: string) =>
    conversation?.kind === "group" && (admins.length === 0 || admins.includes(accountId))
  const leaving = new Set(conversation?.leaving ?? [])

  const allowed = (p: ProposalWithSender, committer: string): boolean => {
    const proposer = p.senderLeafIndex === undefined ? undefined : accountAt.get(p.senderLeafIndex)
    const proposal = p.proposal
    switch (proposal.proposalType) {
      case "remove": {
        const removed = accountAt.get(proposal.remove.removed)
        if (removed === undefined) return false
        return removed === committer || removed === proposer || leaving.has(removed) || isAdmin(committer)
      }
      case "add": {
        let added: string
        try {
          const leaf = proposal.add.keyPackage.leafNode
          added = identifyLeaf(leaf.credential, leaf.signaturePublicKey).accountId
        } catch {
          return false
        }
        return added === committer || isAdmin(committer)
      }
      case "update":
        return true
      default:
        return false
    }
  }

  return (incoming) => {
    if (incoming.kind === "proposal") {
      const { proposal, senderLeafIndex } = incoming.proposal
      if (proposal.proposalType !== "remove" || senderLeafIndex === undefined) return "reject"
      const proposer = accountAt.get(senderLeafIndex)
      return proposer !== undefined && accountAt.get(proposal.remove.removed) === proposer
        ? "accept"
        : "reject"
    }
    const committer =
      incoming.senderLeafIndex === undefined ? undefined : accountAt.get(incoming.senderLeafIndex)
    if (committer === undefined) return "reject"
    return incoming.proposals.every((p) => allowed(p, committer)) ? "accept" : "reject"
  }
}

/** The same rule, asked before building a commit: may this account add or remove `target`? */
export function mayChangeMembers(
  conversation: ConversationRecord,
  state: GroupState,
  actor: string,
  target: string,
): boolean {
  if (actor === target || conversation.leaving.includes(target)) return true
  if (conversation.kind !== "group") return false
  const present = new Set(groupMembers(state).map((m) => m.accountId))
  const admins = conversation.admins.filter((a) => present.has(a))
  return admins.length === 0 || admins.includes(actor)
}

/** Whether an account may rename the conversation or change admins ([E2]). */
export function isConversationAdmin(
  conversation: ConversationRecord,
  state: GroupState,
  accountId: string,
): boolean {
  if (conversation.kind !== "group") return false
  const present = new Set(groupMembers(state).map((m) => m.accountId))
  const admins = conversation.admins.filter((a) => present.has(a))
  return admins.length === 0 ? present.has(accountId) : admins.includes(accountId)
}
