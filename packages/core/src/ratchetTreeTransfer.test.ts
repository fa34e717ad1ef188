import { ErrorCode } from "@kith/protocol"
import type { Proposal, Welcome } from "ts-mls"
import { encodeRatchetTree } from "ts-mls/ratchetTree.js"
import { describe, expect, it } from "vitest"
import { commitProposals, decodePayload, groupMembers, joinFromWelcome, type GroupState } from "./mlsGroup"
import { encodeTree, INLINE_TREE_MAX_DEVICES, openTree, treeLocatorForWelcome } from "./ratchetTreeTransfer"
import { addProposal, groupOf, testDevice, trustingConfig, type TestDevice } from "./testing/mlsTestGroups"

function welcomeOf(bytes: Uint8Array): Welcome {
  const message = decodePayload(bytes)
  if (message?.wireformat !== "mls_welcome") throw new Error("expected a Welcome")
  return message.welcome
}

async function addOne(state: GroupState, joiner: TestDevice) {
  const committed = await commitProposals(state, [addProposal(joiner)])
  return { ...committed, welcomeMessage: welcomeOf(committed.welcome!) }
}

describe("ratchet trees out of band", () => {
  it("a small group's Welcome carries its tree: nothing to fetch", async () => {
    const state = await groupOf(3)
    const joiner = await testDevice()
    const added = await addOne(state, joiner)
    expect(added.sealedTree).toBeUndefined()
    expect(
      await treeLocatorForWelcome(added.welcomeMessage, joiner.keyPackage, joiner.privatePackage),
    ).toBeUndefined()
    const joined = await joinFromWelcome(
      added.welcomeMessage,
      joiner.keyPackage,
      joiner.privatePackage,
      trustingConfig,
    )
    expect(groupMembers(joined)).toHaveLength(4)
  })

  it("a larger group's Welcome leaves it out; the joiner derives the id and key, opens the sealed tree and joins", async () => {
    const state = await groupOf(INLINE_TREE_MAX_DEVICES)
    const joiner = await testDevice()
    const added = await addOne(state, joiner)
    const sealed = added.sealedTree!
    expect(sealed).toBeDefined()
    // The Welcome is small: the tree (about 1.5 KB a device) is not inside it.
    expect(added.welcome!.length).toBeLessThan(4096)
    expect(sealed.ciphertext.length).toBeGreaterThan(INLINE_TREE_MAX_DEVICES * 1000)
    await expect(
      joinFromWelcome(added.welcomeMessage, joiner.keyPackage, joiner.privatePackage, trustingConfig),
    ).rejects.toThrow()
    const locator = (await treeLocatorForWelcome(
      added.welcomeMessage,
      joiner.keyPackage,
      joiner.privatePackage,
    ))!
    expect(locator.treeId).toBe(sealed.treeId)
    const tree = openTree(locator, sealed.ciphertext)
    const joined = await joinFromWelcome(
      added.welcomeMessage,
      joiner.keyPackage,
      joiner.privatePackage,
      trustingConfig,
      tree,
    )
    expect(groupMembers(joined)).toHaveLength(INLINE_TREE_MAX_DEVICES + 1)
    expect(joined.groupContext.epoch).toBe(added.state.groupContext.epoch)
  })

  it("encodes trees node by node into exactly ts-mls' bytes, also after commits that change, blank and add nodes", async () => {
    let state = await groupOf(9)
    expect(encodeTree(state.ratchetTree)).toEqual(encodeRatchetTree(state.ratchetTree))
    const commits: Proposal[][] = [
      [],
      [{ proposalType: "remove", remove: { removed: 8 } }],
      [{ proposalType: "remove", remove: { removed: 3 } }],
      [addProposal(await testDevice())],
      [addProposal(await testDevice()), addProposal(await testDevice())],
    ]
    for (const proposals of commits) {
      state = (await commitProposals(state, proposals)).state
      // The nodes the commit left alone come from what was remembered for the tree before.
      expect(encodeTree(state.ratchetTree)).toEqual(encodeRatchetTree(state.ratchetTree))
    }
    expect(state.ratchetTree).toContain(undefined)
  })

  it("refuses a tree that was tampered with, or that is another epoch's", async () => {
    const state = await groupOf(INLINE_TREE_MAX_DEVICES)
    const joiner = await testDevice()
    const added = await addOne(state, joiner)
    const locator = (await treeLocatorForWelcome(
      added.welcomeMessage,
      joiner.keyPackage,
      joiner.privatePackage,
    ))!
    const tampered = added.sealedTree!.ciphertext.slice()
    tampered[100]! ^= 1
    expect(() => openTree(locator, tampered)).toThrow(expect.objectContaining({ code: ErrorCode.Decrypt }))
    // A valid tree of the previous epoch, sealed under the right key (a member gone rogue, say):
    // MLS refuses it against the tree hash the signed GroupInfo commits to.
    const another = await testDevice()
    const earlier = await addOne(state, another)
    const wrongTree = openTree(
      (await treeLocatorForWelcome(earlier.welcomeMessage, another.keyPackage, another.privatePackage))!,
      earlier.sealedTree!.ciphertext,
    )
    await expect(
      joinFromWelcome(
        added.welcomeMessage,
        joiner.keyPackage,
        joiner.privatePackage,
        trustingConfig,
        wrongTree,
      ),
    ).rejects.toThrow()
  })

  it("gives each epoch its own id and key, which only the Welcome's recipient can derive", async () => {
    const state = await groupOf(INLINE_TREE_MAX_DEVICES)
    const first = await addOne(state, await testDevice())
    const second = await addOne(state, await testDevice())
    expect(first.sealedTree!.treeId).not.toBe(second.sealedTree!.treeId)
    const stranger = await testDevice()
    await expect(
      treeLocatorForWelcome(first.welcomeMessage, stranger.keyPackage, stranger.privatePackage),
    ).rejects.toThrow()
  })
})
