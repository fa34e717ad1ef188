/**
 * Large-group MLS costs with Kith's suite and crypto provider: for a group of
 * N devices, a commit adding one device, that commit processed by another
 * member, and the new device joining from its Welcome with the ratchet tree
 * delivered beside it (as Kith does: docs/protocol.md, "Ratchet trees"), then
 * a commit removing a device and a self-update; bytes on the wire for each,
 * and the saved state of a member.
 *
 * The group is built as fast as the protocol allows: one commit adds all N-1
 * devices. Right after such a batch nearly every parent node of the tree is
 * blank, so any member's first commit encrypts to O(N) leaves. Kith's joiners
 * commit a self-update right after joining, which fills their direct paths
 * (selfUpdate.ts), so in a steady-state group every parent node with a device
 * below it is filled. Filling all of them would take N/2 updates; what the
 * measured commits depend on is less: the committer's copath, and the copath of
 * leaf N, where each round adds a device and removes it again (removing a leaf
 * blanks its direct path, so the committer's next commits encrypt to the
 * resolution of those blanked nodes: small when the subtrees beside them are
 * filled, every leaf below them when not). The bench self-updates the ~2 log2 N
 * members whose subtrees make up those two copaths, widest subtree first.
 */
import {
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processMessage,
  acceptAll,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
  type RatchetTree,
} from "ts-mls"
import { encodeRatchetTree } from "ts-mls/ratchetTree.js"
import { MLS_CIPHERSUITE } from "@kith/protocol"
import { kithCryptoProvider } from "../packages/core/src/mlsCryptoProvider"

interface Device {
  publicPackage: KeyPackage
  privatePackage: PrivateKeyPackage
}

export interface GroupFigures {
  devices: number
  /** Whether the copaths of the committer and of leaf N were filled first (steady state) or the tree is as the batch left it. */
  filled: boolean
  buildSeconds: number
  addCommitMs: number[]
  processAddMs: number[]
  joinMs: number[]
  removeCommitMs: number[]
  processRemoveMs: number[]
  updateCommitMs: number[]
  processUpdateMs: number[]
  addCommitBytes: number
  welcomeBytes: number
  treeBytes: number
  removeCommitBytes: number
  updateCommitBytes: number
  stateBytes: number
}

const credential = (i: number) => ({
  credentialType: "basic" as const,
  identity: new TextEncoder().encode(`device-${i}`),
})

async function device(i: number, cs: CiphersuiteImpl): Promise<Device> {
  return generateKeyPackage(credential(i), defaultCapabilities(), defaultLifetime, [], cs)
}

const addOf = (d: Device): Proposal => ({ proposalType: "add", add: { keyPackage: d.publicPackage } })

async function commit(state: ClientState, cs: CiphersuiteImpl, proposals: Proposal[]) {
  return createCommit({ state, cipherSuite: cs }, { extraProposals: proposals, ratchetTreeExtension: false })
}

async function process(state: ClientState, message: MLSMessage, cs: CiphersuiteImpl): Promise<ClientState> {
  if (message.wireformat !== "mls_public_message" && message.wireformat !== "mls_private_message")
    throw new Error("not a commit")
  const result = await processMessage(message, state, emptyPskIndex, acceptAll, cs)
  if (result.kind !== "newState") throw new Error("a commit processed as an application message")
  return result.newState
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now()
  const value = await f()
  return [value, performance.now() - started]
}

/**
 * Leaves whose self-updates fill every copath node of leaf 0 (the committer)
 * and of leaf N (where each round adds and removes a device) that has a device
 * below it, widest subtree first; not leaves 0 and 1, whose own commits fill
 * their paths.
 */
export function copathFillers(devices: number): number[] {
  const bySize = new Map<number, number>()
  for (const leaf of [0, devices]) {
    for (let size = 1; size <= devices; size *= 2) {
      // The first leaf of the subtree of `size` leaves beside `leaf`'s own.
      const sibling = (Math.floor(leaf / size) ^ 1) * size
      if (sibling > 1 && sibling < devices) bySize.set(sibling, Math.max(size, bySize.get(sibling) ?? 0))
    }
  }
  return [...bySize].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([leaf]) => leaf)
}

export interface GroupOptions {
  devices: number
  repeats: number
  /** Fill the copaths of the committer and of leaf N by self-updates first (steady state); false measures right after the batch. */
  fill: boolean
  /** Measure joining (ts-mls 1.6 checks the whole tree on joining, in time quadratic in its size). */
  join: boolean
}

export async function groupBenchmark({ devices, repeats, fill, join }: GroupOptions): Promise<GroupFigures> {
  const cs = await getCiphersuiteImpl(
    getCiphersuiteFromName(MLS_CIPHERSUITE as CiphersuiteName),
    await kithCryptoProvider(),
  )
  const started = performance.now()
  const everyone: Device[] = []
  for (let i = 0; i < devices; i++) everyone.push(await device(i, cs))
  let committer = await createGroup(
    crypto.getRandomValues(new Uint8Array(16)),
    everyone[0]!.publicPackage,
    everyone[0]!.privatePackage,
    [],
    cs,
  )
  // The member that measures processing joins first, while joining is cheap (leaf 1, next to the committer).
  const first = await commit(committer, cs, [addOf(everyone[1]!)])
  committer = first.newState
  let member = await joinGroup(
    first.welcome!,
    everyone[1]!.publicPackage,
    everyone[1]!.privatePackage,
    emptyPskIndex,
    cs,
    committer.ratchetTree,
  )
  const batch = await commit(committer, cs, everyone.slice(2).map(addOf))
  committer = batch.newState
  member = await process(member, batch.commit, cs)
  if (fill) {
    // The fillers join from the batch's Welcome, then update in turn; everyone processes each update.
    const tree: RatchetTree = committer.ratchetTree
    const fillers: ClientState[] = []
    for (const leaf of copathFillers(devices)) {
      const d = everyone[leaf]!
      fillers.push(
        await joinGroup(batch.welcome!, d.publicPackage, d.privatePackage, emptyPskIndex, cs, tree),
      )
    }
    for (let i = 0; i < fillers.length; i++) {
      const updated = await commit(fillers[i]!, cs, [])
      fillers[i] = updated.newState
      committer = await process(committer, updated.commit, cs)
      member = await process(member, updated.commit, cs)
      // Only the fillers still to commit need the new epoch.
      for (let j = i + 1; j < fillers.length; j++) fillers[j] = await process(fillers[j]!, updated.commit, cs)
    }
    // Leaf 1 fills the last copath node, and its own path.
    const updated = await commit(member, cs, [])
    member = updated.newState
    committer = await process(committer, updated.commit, cs)
  }
  const buildSeconds = (performance.now() - started) / 1000

  const figures: GroupFigures = {
    devices,
    filled: fill,
    buildSeconds,
    addCommitMs: [],
    processAddMs: [],
    joinMs: [],
    removeCommitMs: [],
    processRemoveMs: [],
    updateCommitMs: [],
    processUpdateMs: [],
    addCommitBytes: 0,
    welcomeBytes: 0,
    treeBytes: 0,
    removeCommitBytes: 0,
    updateCommitBytes: 0,
    stateBytes: encodeGroupState(member).length,
  }
  /** The committer commits `proposals` and the member processes it, each timed; both move to the new epoch. */
  const commitAndProcess = async (proposals: Proposal[]) => {
    const [made, commitMs] = await timed(() => commit(committer, cs, proposals))
    const [processed, processMs] = await timed(() => process(member, made.commit, cs))
    committer = made.newState
    member = processed
    return { commitMs, processMs, commitBytes: encodeMlsMessage(made.commit).length }
  }
  for (let r = 0; r < repeats; r++) {
    const joiner = await device(devices + r, cs)
    const [added, addMs] = await timed(() => commit(committer, cs, [addOf(joiner)]))
    const [memberAfterAdd, processMs] = await timed(() => process(member, added.commit, cs))
    if (join) {
      const [, joinMs] = await timed(() =>
        joinGroup(
          added.welcome!,
          joiner.publicPackage,
          joiner.privatePackage,
          emptyPskIndex,
          cs,
          added.newState.ratchetTree,
        ),
      )
      figures.joinMs.push(joinMs)
    }
    figures.addCommitMs.push(addMs)
    figures.processAddMs.push(processMs)
    figures.addCommitBytes = encodeMlsMessage(added.commit).length
    figures.welcomeBytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_welcome",
      welcome: added.welcome!,
    }).length
    figures.treeBytes = encodeRatchetTree(added.newState.ratchetTree).length
    committer = added.newState
    member = memberAfterAdd

    // Remove the device just added, so the group stays at N.
    const removed = await commitAndProcess([{ proposalType: "remove", remove: { removed: devices } }])
    figures.removeCommitMs.push(removed.commitMs)
    figures.processRemoveMs.push(removed.processMs)
    figures.removeCommitBytes = removed.commitBytes

    const updated = await commitAndProcess([])
    figures.updateCommitMs.push(updated.commitMs)
    figures.processUpdateMs.push(updated.processMs)
    figures.updateCommitBytes = updated.commitBytes
  }
  return figures
}

if (import.meta.url === `file://${globalThis.process.argv[1]}`) {
  const [n = "50", repeats = "3", mode = "fill"] = globalThis.process.argv.slice(2)
  const f = await groupBenchmark({
    devices: Number(n),
    repeats: Number(repeats),
    fill: mode.startsWith("fill"),
    join: !mode.endsWith("nojoin"),
  })
  console.log(JSON.stringify(f, null, 1))
}
