import { bytesToHex } from "@noble/hashes/utils.js"
import { encodeGroupStateWithoutTree } from "ts-mls/clientState.js"
import { encodeRatchetTree } from "ts-mls/ratchetTree.js"
import { treeHashRoot } from "ts-mls/treeHash.js"
import { describe, expect, it } from "vitest"
import { Batch } from "./batch"
import { GroupStates } from "./groupStates"
import { groupKey } from "./groupStateStorage"
import { commitProposals, encodeState, encryptApplication, ownLeafIndex, type GroupState } from "./mlsGroup"
import { kithCipherSuite } from "./mlsSuite"
import { MemoryStore } from "./store"
import { addProposal, groupOf, testDevice, trustingConfig } from "./testing/mlsTestGroups"

describe("group states stored with their trees apart", () => {
  it("round-trips, writes neither trees nor past epochs for a message, keeps one copy of each and forgets those no longer held", async () => {
    const store = new MemoryStore()
    const states = new GroupStates(store, trustingConfig)
    const id = "g"
    const set = async (state: GroupState) => {
      const batch = new Batch()
      states.set(batch, id, state)
      await store.batch(batch.ops)
      for (const effect of batch.effects) effect()
      return batch.ops
    }
    const trees = async () => (await store.list("group-tree/")).length
    const held = (state: GroupState) =>
      new Set(
        [
          state.groupContext.treeHash,
          ...[...state.historicalReceiverData.values()].map((p) => p.groupContext.treeHash),
        ].map((h) => h.join()),
      ).size

    const epochs = async () => (await store.list("group-epoch/")).length

    let state = await groupOf(20)
    // The record, each tree once and each past epoch.
    expect(await set(state)).toHaveLength(1 + held(state) + state.historicalReceiverData.size)
    const whole = encodeState(state).length
    expect((await store.get(groupKey(id)))!.length).toBeLessThan(whole / 3)

    // Commits: each epoch's tree once; past epochs beyond those kept for late messages are forgotten.
    for (let i = 0; i < 7; i++) {
      state = (await commitProposals(state, [addProposal(await testDevice())])).state
      const written = (await set(state)).filter((op) => op.kind === "put").map((op) => op.key)
      // The epoch just ended is the only past epoch written.
      expect(written.filter((key) => key.startsWith("group-epoch/"))).toEqual([
        `group-epoch/${id}/${state.groupContext.epoch - 1n}`,
      ])
      expect(await trees()).toBe(held(state))
      expect(await epochs()).toBe(state.historicalReceiverData.size)
    }
    expect(state.historicalReceiverData.size).toBeGreaterThan(1)
    expect(await trees()).toBeLessThanOrEqual(1 + state.historicalReceiverData.size)

    // A message changes the current secret tree only: one write, without the past epochs' secret trees.
    state = (await encryptApplication(state, new TextEncoder().encode("hello"))).state
    const ops = await set(state)
    expect(ops.map((op) => op.key)).toEqual([groupKey(id)])
    const pastEpochBytes = (await store.list("group-epoch/")).reduce((sum, e) => sum + e.value.length, 0)
    expect(ops[0]!.kind === "put" && ops[0]!.value.length).toBeLessThan(pastEpochBytes / 2)

    const loaded = await new GroupStates(store, trustingConfig).get(id)
    expect(encodeState(loaded!)).toEqual(encodeState(state))
    // The loaded state goes on working.
    await encryptApplication(loaded!, new TextEncoder().encode("after loading"))
  }, 60_000)

  it("still reads a state stored with its past epochs inside the record (format 1), and moves them out", async () => {
    const store = new MemoryStore()
    let state = await groupOf(3)
    state = (await commitProposals(state, [addProposal(await testDevice())])).state
    const placeholder = state.ratchetTree[ownLeafIndex(state) * 2]
    for (const tree of [
      state.ratchetTree,
      ...[...state.historicalReceiverData.values()].map((p) => p.ratchetTree),
    ])
      await store.put(
        `group-tree/old/${bytesToHex(await treeHashRoot(tree, (await kithCipherSuite()).hash))}`,
        encodeRatchetTree(tree),
      )
    const history = new Map(
      [...state.historicalReceiverData].map(([epoch, past]) => [
        epoch,
        { ...past, ratchetTree: [placeholder] },
      ]),
    )
    const body = encodeGroupStateWithoutTree({ ...state, historicalReceiverData: history })
    const hash = state.groupContext.treeHash
    await store.put(groupKey("old"), new Uint8Array([0x01, hash.length, ...hash, ...body]))

    const states = new GroupStates(store, trustingConfig)
    const loaded = await states.get("old")
    expect(encodeState(loaded!)).toEqual(encodeState(state))
    const batch = new Batch()
    states.set(batch, "old", loaded!)
    await store.batch(batch.ops)
    for (const effect of batch.effects) effect()
    expect((await store.list("group-epoch/old/")).length).toBe(state.historicalReceiverData.size)
    const again = await new GroupStates(store, trustingConfig).get("old")
    expect(encodeState(again!)).toEqual(encodeState(state))
  })

  it("still reads a state stored whole, as before", async () => {
    const store = new MemoryStore()
    const state = await groupOf(3)
    await store.put(groupKey("old"), encodeState(state))
    const loaded = await new GroupStates(store, trustingConfig).get("old")
    expect(encodeState(loaded!)).toEqual(encodeState(state))
  })
})
