import { bytesToHex } from "@noble/hashes/utils.js"
import { ErrorCode, KithError } from "@kith/protocol"
import type { ClientConfig, RatchetTree } from "ts-mls"
import { decodeGroupStateWithoutTree, encodeGroupStateWithoutTree } from "ts-mls/clientState.js"
import { encode } from "ts-mls/codec/tlsEncoder.js"
import {
  decodeEpochReceiverData,
  epochReceiverDataEncoder,
  type EpochReceiverData,
} from "ts-mls/epochReceiverData.js"
import { decodeRatchetTree } from "ts-mls/ratchetTree.js"
import type { Batch } from "./batch"
import { decodeState, encodeState, ownLeafIndex, type GroupState } from "./mlsGroup"
import { encodeTree } from "./ratchetTreeTransfer"
import type { Store } from "./store"

/**
 * A group's MLS state is stored in parts, each rewritten only when it
 * changes. The ratchet trees — the current epoch's and those of the past
 * epochs kept for late messages — are most of it (with X-Wing keys about
 * 1.5 KB a device each: 4 MiB and more for 500 devices) and change only with
 * commits. Each past epoch's receiver data (its secret tree, about 300 bytes
 * a device) changes only when a late message of that epoch is read. The rest
 * (key schedule, current secret tree, own path) changes with every message.
 * So each tree is stored once under its tree hash, each past epoch once, and
 * a message rewrites only the rest — in a 500-device group about 150 KB
 * instead of encoding megabytes for every message.
 *
 * Record `group/<id>`: FORMAT, the current tree hash (length first), the
 * number of past epochs (one byte) and each one (8 bytes, big-endian), then
 * the state without its trees and without past epochs. Trees:
 * `group-tree/<id>/<tree hash, hex>`; past epochs:
 * `group-epoch/<id>/<epoch>`, their receiver data with a one-node placeholder
 * tree (the tree is the one stored under the hash in their group context).
 *
 * Still read: FORMAT_TREES_APART (0x01: the past epochs inside the record,
 * their trees replaced by a one-node placeholder), and a record without a
 * format byte, a whole state as stored at first (it starts with 0x00, the
 * high byte of the MLS protocol version).
 */
const FORMAT = 0x02
const FORMAT_TREES_APART = 0x01

export const groupKey = (id: string) => `group/${id}`
const treeKey = (id: string, hash: Uint8Array) => `group-tree/${id}/${bytesToHex(hash)}`
const epochKey = (id: string, epoch: bigint) => `group-epoch/${id}/${epoch}`

/**
 * Per set of stored tree hashes (one per group, kept by its owner): the past
 * epochs whose records are stored, with the receiver data written. ts-mls
 * never changes that data in place (reading a late message gives the epoch a
 * new object), so the same object means the stored record is up to date.
 */
const storedEpochs = new WeakMap<Set<string>, Map<bigint, EpochReceiverData>>()

function epochsStored(stored: Set<string>): Map<bigint, EpochReceiverData> {
  let epochs = storedEpochs.get(stored)
  if (!epochs) storedEpochs.set(stored, (epochs = new Map()))
  return epochs
}

/** Tree hashes of the trees a state holds: its epoch's, and each kept past epoch's. */
function treesOf(state: GroupState): Map<string, { hash: Uint8Array; tree: RatchetTree }> {
  const trees = new Map<string, { hash: Uint8Array; tree: RatchetTree }>()
  const add = (hash: Uint8Array, tree: RatchetTree) => trees.set(bytesToHex(hash), { hash, tree })
  add(state.groupContext.treeHash, state.ratchetTree)
  for (const past of state.historicalReceiverData.values()) add(past.groupContext.treeHash, past.ratchetTree)
  return trees
}

const encodeEpoch = encode(epochReceiverDataEncoder)

/**
 * Writes `state` into `batch`; `stored` is the set of tree hashes (hex)
 * already stored for this group, updated once the batch is stored (trees and
 * past epochs no longer held are deleted).
 */
export function storeGroupState(batch: Batch, id: string, state: GroupState, stored: Set<string>): void {
  const epochs = epochsStored(stored)
  const placeholder = state.ratchetTree[ownLeafIndex(state) * 2]
  if (!placeholder) {
    // No own leaf (removed from the group): the whole state in one record, as at first.
    deleteParts(batch, id, stored)
    batch.putBytes(groupKey(id), encodeState(state))
    return
  }
  const trees = treesOf(state)
  for (const [hex, { hash, tree }] of trees) {
    if (!stored.has(hex)) batch.putBytes(treeKey(id, hash), encodeTree(tree))
  }
  for (const hex of stored) if (!trees.has(hex)) batch.delete(`group-tree/${id}/${hex}`)
  const past = state.historicalReceiverData
  if (past.size > 255)
    throw new KithError(ErrorCode.Internal, "more past epochs kept than a group record lists")
  for (const [epoch, data] of past) {
    if (epochs.get(epoch) !== data)
      batch.putBytes(epochKey(id, epoch), encodeEpoch({ ...data, ratchetTree: [placeholder] }))
  }
  for (const epoch of epochs.keys()) if (!past.has(epoch)) batch.delete(epochKey(id, epoch))
  // Only once the batch is stored: if it fails, the parts stored before are still the ones there.
  batch.onStored(() => {
    stored.clear()
    for (const hex of trees.keys()) stored.add(hex)
    epochs.clear()
    for (const [epoch, data] of past) epochs.set(epoch, data)
  })
  const body = encodeGroupStateWithoutTree({ ...state, historicalReceiverData: new Map() })
  const hash = state.groupContext.treeHash
  const header = 2 + hash.length + 1 + 8 * past.size
  const record = new Uint8Array(header + body.length)
  const view = new DataView(record.buffer)
  record[0] = FORMAT
  record[1] = hash.length
  record.set(hash, 2)
  record[2 + hash.length] = past.size
  let offset = 3 + hash.length
  for (const epoch of past.keys()) {
    view.setBigUint64(offset, epoch)
    offset += 8
  }
  record.set(body, header)
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
  if (record[0] !== FORMAT && record[0] !== FORMAT_TREES_APART) return decodeState(record, config)
  const missing = () =>
    new KithError(ErrorCode.Internal, "a stored part of a group state is missing or does not decode")
  const loadTree = async (hash: Uint8Array): Promise<RatchetTree> => {
    const bytes = await store.get(treeKey(id, hash))
    const decoded = bytes && decodeRatchetTree(bytes, 0)
    if (!decoded) throw missing()
    stored.add(bytesToHex(hash))
    return decoded[0]
  }
  const hashLength = record[1]!
  const currentHash = record.subarray(2, 2 + hashLength)
  let offset = 2 + hashLength
  const epochs = new Map<bigint, EpochReceiverData>()
  if (record[0] === FORMAT) {
    const count = record[offset]!
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength)
    for (let i = 0; i < count; i++) {
      const epoch = view.getBigUint64(offset + 1 + 8 * i)
      const bytes = await store.get(epochKey(id, epoch))
      const decoded = bytes && decodeEpochReceiverData(bytes, 0)
      if (!decoded) throw missing()
      epochs.set(epoch, decoded[0])
    }
    offset += 1 + 8 * count
  }
  const decoded = decodeGroupStateWithoutTree(await loadTree(currentHash))(record, offset)
  if (!decoded) throw new KithError(ErrorCode.Internal, "stored group state does not decode")
  const state = decoded[0]
  // Format 0x01 kept the past epochs inside the record.
  for (const [epoch, past] of state.historicalReceiverData) epochs.set(epoch, past)
  const history = new Map<bigint, EpochReceiverData>()
  for (const [epoch, past] of epochs) {
    history.set(epoch, { ...past, ratchetTree: await loadTree(past.groupContext.treeHash) })
  }
  // A record of format 0x01 has no past epoch stored apart yet: the next store writes them.
  if (record[0] === FORMAT) {
    const written = epochsStored(stored)
    written.clear()
    for (const [epoch, data] of history) written.set(epoch, data)
  }
  return { ...state, historicalReceiverData: history, clientConfig: config }
}

/** Deletes the trees and past epochs stored apart from a group's record. */
function deleteParts(batch: Batch, id: string, stored: Set<string>): void {
  const epochs = epochsStored(stored)
  for (const hex of stored) batch.delete(`group-tree/${id}/${hex}`)
  for (const epoch of epochs.keys()) batch.delete(epochKey(id, epoch))
  batch.onStored(() => {
    stored.clear()
    epochs.clear()
  })
}

/** Deletes a group's state and its parts. */
export function deleteGroupState(batch: Batch, id: string, stored: Set<string>): void {
  batch.delete(groupKey(id))
  deleteParts(batch, id, stored)
}
