import { bytesToHex } from "@noble/hashes/utils.js"
import { ErrorCode, KithError } from "@kith/protocol"
import type { ClientConfig, RatchetTree } from "ts-mls"
import { decodeGroupStateWithoutTree, encodeGroupStateWithoutTree } from "ts-mls/clientState.js"
import { decodeRatchetTree, encodeRatchetTree } from "ts-mls/ratchetTree.js"
import type { Batch } from "./batch"
import { decodeState, encodeState, ownLeafIndex, type GroupState } from "./mlsGroup"
import type { Store } from "./store"

/**
 * A group's MLS state is stored in two parts. The ratchet trees — the
 * current epoch's and those of the past epochs kept for late messages — are
 * most of it (with X-Wing keys about 1.5 KB a device each: 4 MiB and more for
 * 500 devices) and change only with commits; everything else (key schedule,
 * secret tree, own path) changes with every message. So each tree is stored
 * once under its tree hash, and a message rewrites only the rest, instead of
 * encoding megabytes for every message in a large group.
 *
 * Record `group/<id>`: FORMAT, the current tree hash (length first), then the
 * state without its trees, the past epochs' trees replaced by a one-node
 * placeholder. Trees: `group-tree/<id>/<tree hash, hex>`. A record without
 * the FORMAT byte is a whole state as stored before (it starts with 0x00, the
 * high byte of the MLS protocol version), and is still read.
 */
const FORMAT = 0x01

export const groupKey = (id: string) => `group/${id}`
const treeKey = (id: string, hash: Uint8Array) => `group-tree/${id}/${bytesToHex(hash)}`

/** Tree hashes of the trees a state holds: its epoch's, and each kept past epoch's. */
function treesOf(state: GroupState): Map<string, { hash: Uint8Array; tree: RatchetTree }> {
  const trees = new Map<string, { hash: Uint8Array; tree: RatchetTree }>()
  const add = (hash: Uint8Array, tree: RatchetTree) => trees.set(bytesToHex(hash), { hash, tree })
  add(state.groupContext.treeHash, state.ratchetTree)
  for (const past of state.historicalReceiverData.values()) add(past.groupContext.treeHash, past.ratchetTree)
  return trees
}

/**
 * Writes `state` into `batch`; `stored` is the set of tree hashes (hex)
 * already stored for this group, updated once the batch is stored (trees no
 * longer held are deleted).
 */
export function storeGroupState(batch: Batch, id: string, state: GroupState, stored: Set<string>): void {
  const placeholder = state.ratchetTree[ownLeafIndex(state) * 2]
  if (!placeholder) {
    // No own leaf (removed from the group): the whole state in one record, as before.
    for (const hex of stored) batch.delete(`group-tree/${id}/${hex}`)
    batch.onStored(() => stored.clear())
    batch.putBytes(groupKey(id), encodeState(state))
    return
  }
  const trees = treesOf(state)
  for (const [hex, { hash, tree }] of trees) {
    if (!stored.has(hex)) batch.putBytes(treeKey(id, hash), encodeRatchetTree(tree))
  }
  for (const hex of stored) if (!trees.has(hex)) batch.delete(`group-tree/${id}/${hex}`)
  // Only once the batch is stored: if it fails, the trees stored before are still the ones there.
  batch.onStored(() => {
    stored.clear()
    for (const hex of trees.keys()) stored.add(hex)
  })
  const history = new Map(
    [...state.historicalReceiverData].map(([epoch, past]) => [
      epoch,
      { ...past, ratchetTree: [placeholder] },
    ]),
  )
  const body = encodeGroupStateWithoutTree({ ...state, historicalReceiverData: history })
  const hash = state.groupContext.treeHash
  const record = new Uint8Array(2 + hash.length + body.length)
  record[0] = FORMAT
  record[1] = hash.length
  record.set(hash, 2)
  record.set(body, 2 + hash.length)
  batch.putBytes(groupKey(id), record)
}

/** Reads a group's state; `stored` receives the hashes of its stored trees. */
export async function loadGroupState(
  store: Store,
  id: string,
  config: ClientConfig,
  stored: Set<string>,
): Promise<GroupState | undefined> {
  const record = await store.get(groupKey(id))
  if (!record) return undefined
  if (record[0] !== FORMAT) return decodeState(record, config)
  const hashLength = record[1]!
  const currentHash = record.subarray(2, 2 + hashLength)
  const loadTree = async (hash: Uint8Array): Promise<RatchetTree> => {
    const bytes = await store.get(treeKey(id, hash))
    const decoded = bytes && decodeRatchetTree(bytes, 0)
    if (!decoded)
      throw new KithError(ErrorCode.Internal, "a stored ratchet tree is missing or does not decode")
    stored.add(bytesToHex(hash))
    return decoded[0]
  }
  const decoded = decodeGroupStateWithoutTree(await loadTree(currentHash))(record, 2 + hashLength)
  if (!decoded) throw new KithError(ErrorCode.Internal, "stored group state does not decode")
  const state = decoded[0]
  const history = new Map()
  for (const [epoch, past] of state.historicalReceiverData) {
    history.set(epoch, { ...past, ratchetTree: await loadTree(past.groupContext.treeHash) })
  }
  return { ...state, historicalReceiverData: history, clientConfig: config }
}

/** Deletes a group's state and its trees. */
export function deleteGroupState(batch: Batch, id: string, stored: Set<string>): void {
  batch.delete(groupKey(id))
  for (const hex of stored) batch.delete(`group-tree/${id}/${hex}`)
  batch.onStored(() => stored.clear())
}
