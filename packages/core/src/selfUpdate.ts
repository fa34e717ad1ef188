import {
  directPath,
  leafToNodeIndex,
  leafWidth,
  toLeafIndex,
  toNodeIndex,
  type NodeIndex,
} from "ts-mls/treemath.js"
import { commitChange } from "./commits"
import type { Engine } from "./engine"
import { ownLeafIndex, type GroupState } from "./mlsGroup"

/**
 * A device that joined a large group may commit an update of its own right
 * after: the empty commit carries an update path, which fills the parent
 * nodes from its leaf to the root. A group just grown by a batch of adds is
 * mostly blank above its leaves, and every commit then encrypts to each leaf
 * under a blank node (linear in the group's size); once the blanks are filled,
 * a commit encrypts to about one node per level (logarithmic).
 *
 * Not every joiner needs to: for each node on the path that is blank, its
 * leftmost member fills it; for each node that lists unmerged leaves (members
 * added below it since it was set), the first of those does. Those devices
 * wait a random moment (joiners of one batch would otherwise all race for the
 * same epoch), look again at the group as it is then, and commit only if
 * their path still needs it. One that keeps losing the race gives up quietly:
 * its next commit of any kind fills its path anyway.
 */
const MAX_JITTER_MS = 5_000

/**
 * Below this size a blank node costs a few extra ciphertexts, less than the
 * commits that would fill it (each one processed by every member).
 */
export const FILL_MIN_DEVICES = 100

/** The subtree below `node` spans node indices node ± (2^level - 1); its leaves are the even ones. */
function leftmostMemberBelow(state: GroupState, node: NodeIndex): NodeIndex | undefined {
  let level = 0
  while ((node >> level) & 1) level++
  const span = (1 << level) - 1
  for (let i = node - span; i <= node + span; i += 2)
    if (state.ratchetTree[i] !== undefined) return toNodeIndex(i)
  return undefined
}

/** Whether this device is the one to fill some node on its direct path (see above). */
export function shouldFillPath(state: GroupState): boolean {
  const own = leafToNodeIndex(toLeafIndex(ownLeafIndex(state)))
  for (const nodeIndex of directPath(own, leafWidth(state.ratchetTree.length))) {
    const node = state.ratchetTree[nodeIndex]
    if (node === undefined) {
      if (leftmostMemberBelow(state, nodeIndex) === own) return true
    } else if (node.nodeType === "parent" && node.parent.unmergedLeaves.length > 0) {
      if (Math.min(...node.parent.unmergedLeaves) === ownLeafIndex(state)) return true
    }
  }
  return false
}

export function selfUpdateAfterJoin(engine: Engine, groupId: string): () => Promise<unknown> {
  return async () => {
    const jitter = new DataView(engine.options.random(4).buffer).getUint32(0) % MAX_JITTER_MS
    await engine.clock.sleep(jitter)
    if (engine.closed) return
    await commitChange(engine, groupId, (state) =>
      shouldFillPath(state) ? { proposals: [], selfUpdate: true } : undefined,
    ).catch(() => undefined)
  }
}
