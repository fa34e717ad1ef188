import { describe, expect, it } from "vitest"
import { commitProposals, decodePayload, joinFromWelcome, type GroupState } from "./mlsGroup"
import { shouldFillPath } from "./selfUpdate"
import { addProposal, foundGroup, receivePrivate, testDevice, trustingConfig } from "./testing/mlsTestGroups"

const receive = async (state: GroupState, commit: Uint8Array) => (await receivePrivate(state, commit)).state

/** Parent nodes that are blank or list unmerged leaves: what makes commits encrypt to many. */
const unfilled = (state: GroupState) =>
  state.ratchetTree.filter(
    (node, i) =>
      i % 2 === 1 &&
      (node === undefined || (node.nodeType === "parent" && node.parent.unmergedLeaves.length > 0)),
  ).length

describe("filling the tree after a batch of joins", () => {
  it("the designated joiners' self-updates fill every parent node, and the committer's next commit shrinks", async () => {
    const founder = await testDevice()
    let committer = await foundGroup(founder)
    const joiners = await Promise.all(Array.from({ length: 15 }, () => testDevice()))
    const batch = await commitProposals(committer, joiners.map(addProposal))
    committer = batch.state
    const welcome = decodePayload(batch.welcome!)
    if (welcome?.wireformat !== "mls_welcome") throw new Error("expected a Welcome")
    let members = await Promise.all(
      joiners.map((d) =>
        joinFromWelcome(
          welcome.welcome,
          d.keyPackage,
          d.privatePackage,
          trustingConfig,
          committer.ratchetTree,
        ),
      ),
    )
    expect(unfilled(committer)).toBeGreaterThan(4)
    const before = (await commitProposals(committer, [])).commit.length

    const designated = members.filter(shouldFillPath).length
    // Not every joiner: about one per pair of leaves, not fifteen.
    expect(designated).toBeGreaterThan(0)
    expect(designated).toBeLessThan(joiners.length)
    // Each designated device updates in turn (as after their random waits), the others process it.
    for (let round = 0; round < joiners.length; round++) {
      const next = members.findIndex(shouldFillPath)
      if (next < 0) break
      const update = await commitProposals(members[next]!, [])
      members = await Promise.all(
        members.map((m, i) => (i === next ? update.state : receive(m, update.commit))),
      )
      committer = await receive(committer, update.commit)
    }
    expect(members.filter(shouldFillPath)).toHaveLength(0)
    // What is left is on the committer's own path (its sibling leaf had nothing to fill), which its next commit fills.
    expect(unfilled(committer)).toBeLessThanOrEqual(1)
    const next = await commitProposals(committer, [])
    expect(unfilled(next.state)).toBe(0)
    const after = next.commit.length
    // Per level one X-Wing public key (1,216 bytes) and one ciphertext (1,120), instead of a
    // ciphertext for every leaf under each blank node; plus the leaf and the signature.
    expect(after).toBeLessThan(before / 2)
    expect(after).toBeLessThan(4 * (1216 + 1120) + 4000)
  }, 120_000)
})
