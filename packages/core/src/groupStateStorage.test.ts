import { describe, expect, it } from "vitest"
import { Batch } from "./batch"
import { GroupStates } from "./groupStates"
import { groupKey } from "./groupStateStorage"
import { commitProposals, encodeState, encryptApplication, type GroupState } from "./mlsGroup"
import { MemoryStore } from "./store"
import { addProposal, groupOf, testDevice, trustingConfig } from "./testing/mlsTestGroups"

describe("group states stored with their trees apart", () => {
  it("round-trips, writes no tree for a message, keeps one copy per tree and forgets trees no epoch holds", async () => {
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

    let state = await groupOf(20)
    expect(await set(state)).toHaveLength(1 + held(state)) // the record, and each tree once
    const whole = encodeState(state).length
    expect((await store.get(groupKey(id)))!.length).toBeLessThan(whole / 3)

    // A message changes the secret tree, not the ratchet tree: one small write.
    state = (await encryptApplication(state, new TextEncoder().encode("hello"))).state
    const ops = await set(state)
    expect(ops.map((op) => op.key)).toEqual([groupKey(id)])

    // Commits: each epoch's tree once; past epochs beyond those kept for late messages are forgotten.
    for (let i = 0; i < 7; i++) {
      state = (await commitProposals(state, [addProposal(await testDevice())])).state
      await set(state)
      expect(await trees()).toBe(held(state))
    }
    expect(await trees()).toBeLessThanOrEqual(1 + state.historicalReceiverData.size)

    const loaded = await new GroupStates(store, trustingConfig).get(id)
    expect(encodeState(loaded!)).toEqual(encodeState(state))
    // The loaded state goes on working.
    await encryptApplication(loaded!, new TextEncoder().encode("after loading"))
  }, 60_000)

  it("still reads a state stored whole, as before", async () => {
    const store = new MemoryStore()
    const state = await groupOf(3)
    await store.put(groupKey("old"), encodeState(state))
    const loaded = await new GroupStates(store, trustingConfig).get("old")
    expect(encodeState(loaded!)).toEqual(encodeState(state))
  })
})
