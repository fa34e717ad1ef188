import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  decodeGroupState,
  decodeMlsMessage,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  joinGroup,
  processMessage,
  type AuthenticationService,
  type ClientConfig,
  type ClientState,
  type IncomingMessageCallback,
  type KeyPackage,
  type MLSMessage,
  type MlsPrivateMessage,
  type MlsPublicMessage,
  type PrivateKeyPackage,
  type Proposal,
  type PrivateMessage,
  type RatchetTree,
  type Welcome,
} from "ts-mls"
import { decryptSenderData } from "ts-mls/privateMessage.js"
import { identifyLeaf, type LeafIdentity } from "./credential"
import { kithCipherSuite } from "./mlsSuite"
import { INLINE_TREE_MAX_DEVICES, sealTree } from "./ratchetTreeTransfer"

/**
 * A thin layer over ts-mls in Kith's terms: states in and states out (nothing
 * here mutates or persists), payloads as encoded MLSMessage bytes, members as
 * certified devices. The engine decides when a new state becomes the current one.
 */
export type GroupState = ClientState

export interface Member extends LeafIdentity {
  leafIndex: number
}

export function clientConfigWith(authService: AuthenticationService): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService,
  }
}

export const groupIdOf = (state: GroupState): string => toBase64Url(state.groupContext.groupId)
export const epochOf = (state: GroupState): bigint => state.groupContext.epoch
export const ownLeafIndex = (state: GroupState): number => state.privatePath.leafIndex
export const isActive = (state: GroupState): boolean => state.groupActiveState.kind === "active"

/**
 * Members of each tree seen. Every message sent lists them and a commit does
 * so several times: at 2,000 devices identifying every leaf again costs
 * milliseconds each time. ts-mls never changes a tree in place (an epoch that
 * changes members has a new tree), so a tree's members are those it had.
 */
const membersOfTree = new WeakMap<RatchetTree, readonly Readonly<Member>[]>()

/** Every occupied leaf, identified by its (already validated) certificate. */
export function groupMembers(state: GroupState): Member[] {
  const known = membersOfTree.get(state.ratchetTree)
  if (known) return [...known]
  const members: Member[] = []
  state.ratchetTree.forEach((node, nodeIndex) => {
    if (node?.nodeType !== "leaf") return
    const leaf = identifyLeaf(node.leaf.credential, node.leaf.signaturePublicKey)
    members.push(Object.freeze({ ...leaf, leafIndex: nodeIndex / 2 }))
  })
  membersOfTree.set(state.ratchetTree, members)
  return [...members]
}

export function memberAt(state: GroupState, leafIndex: number): Member | undefined {
  return groupMembers(state).find((m) => m.leafIndex === leafIndex)
}

export function encodeState(state: GroupState): Uint8Array {
  return encodeGroupState(state)
}

export function decodeState(bytes: Uint8Array, config: ClientConfig): GroupState {
  const decoded = decodeGroupState(bytes, 0)
  if (!decoded) throw new KithError(ErrorCode.Internal, "stored group state does not decode")
  return { ...decoded[0], clientConfig: config }
}

export function decodePayload(payload: Uint8Array): MLSMessage | undefined {
  try {
    return decodeMlsMessage(payload, 0)?.[0]
  } catch {
    return undefined
  }
}

export const encodeWelcome = (welcome: Welcome): Uint8Array =>
  encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome })

export async function newGroup(
  groupId: Uint8Array,
  keyPackage: KeyPackage,
  privatePackage: PrivateKeyPackage,
  config: ClientConfig,
): Promise<GroupState> {
  return createGroup(groupId, keyPackage, privatePackage, [], await kithCipherSuite(), config)
}

/** `tree` is the ratchet tree fetched out of band, when the Welcome does not carry it. */
export async function joinFromWelcome(
  welcome: Welcome,
  keyPackage: KeyPackage,
  privatePackage: PrivateKeyPackage,
  config: ClientConfig,
  tree?: RatchetTree,
): Promise<GroupState> {
  const cs = await kithCipherSuite()
  return joinGroup(welcome, keyPackage, privatePackage, emptyPskIndex, cs, tree, undefined, config)
}

export interface Encrypted {
  state: GroupState
  payload: Uint8Array
}

export async function encryptApplication(state: GroupState, plaintext: Uint8Array): Promise<Encrypted> {
  const result = await createApplicationMessage(state, plaintext, await kithCipherSuite())
  const payload = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_private_message",
    privateMessage: result.privateMessage,
  })
  return { state: result.newState, payload }
}

export interface Committed {
  state: GroupState
  commit: Uint8Array
  welcome: Uint8Array | undefined
  /** The new epoch's ratchet tree, sealed, when the Welcome leaves it out: store it before sending. */
  sealedTree: { treeId: string; ciphertext: Uint8Array } | undefined
  /** Secrets the old state no longer needs; wipe them only once the new state is the current one. */
  consumed: Uint8Array[]
}

/**
 * Creates a commit over `proposals` (and any proposals received by reference).
 * A small group's tree travels inside the Welcome, so joiners need nothing
 * else; a larger group's is sealed for the server (ratchetTreeTransfer.ts).
 */
export async function commitProposals(
  state: GroupState,
  proposals: Proposal[],
  inlineTreeMaxDevices = INLINE_TREE_MAX_DEVICES,
): Promise<Committed> {
  const adds = proposals.filter((p) => p.proposalType === "add").length
  const devices = state.ratchetTree.filter((node) => node?.nodeType === "leaf").length
  const inline = adds === 0 || devices + adds <= inlineTreeMaxDevices
  const result = await createCommit(
    { state, cipherSuite: await kithCipherSuite() },
    { extraProposals: proposals, ratchetTreeExtension: inline },
  )
  const sealedTree =
    result.welcome && !inline
      ? await sealTree(result.newState.keySchedule.exporterSecret, result.newState.ratchetTree)
      : undefined
  return {
    state: result.newState,
    commit: encodeMlsMessage(result.commit),
    welcome: result.welcome && encodeWelcome(result.welcome),
    sealedTree,
    consumed: result.consumed,
  }
}

/** A Remove proposal (how a member asks to leave: it cannot commit its own removal). */
export async function proposeRemoval(state: GroupState, leafIndex: number): Promise<Encrypted> {
  const result = await createProposal(
    state,
    false,
    { proposalType: "remove", remove: { removed: leafIndex } },
    await kithCipherSuite(),
  )
  return { state: result.newState, payload: encodeMlsMessage(result.message) }
}

export type Processed =
  | { kind: "application"; state: GroupState; plaintext: Uint8Array; sender: Member; consumed: Uint8Array[] }
  | { kind: "handshake"; state: GroupState; accepted: boolean; consumed: Uint8Array[] }

/**
 * Processes a member's message. For application messages the sender is read
 * from the message's sender data, which processing has just authenticated
 * (ts-mls verifies the signature of exactly that leaf but does not return it).
 */
export async function processGroupMessage(
  state: GroupState,
  message: MlsPrivateMessage | MlsPublicMessage,
  callback: IncomingMessageCallback,
): Promise<Processed> {
  const cs = await kithCipherSuite()
  const result = await processMessage(message, state, emptyPskIndex, callback, cs)
  if (result.kind === "newState") {
    return {
      kind: "handshake",
      state: result.newState,
      accepted: result.actionTaken === "accept",
      consumed: result.consumed,
    }
  }
  if (message.wireformat !== "mls_private_message") {
    throw new KithError(ErrorCode.Decrypt, "application data outside a private message")
  }
  const sender = await applicationSender(state, message.privateMessage)
  return {
    kind: "application",
    state: result.newState,
    plaintext: result.message,
    sender,
    consumed: result.consumed,
  }
}

async function applicationSender(state: GroupState, message: PrivateMessage): Promise<Member> {
  const current = message.epoch === state.groupContext.epoch
  const past = current ? undefined : state.historicalReceiverData.get(message.epoch)
  const secret = current ? state.keySchedule.senderDataSecret : past?.senderDataSecret
  const tree = current ? state.ratchetTree : past?.ratchetTree
  const senderData = secret && (await decryptSenderData(message, secret, await kithCipherSuite()))
  const node = senderData && tree?.[senderData.leafIndex * 2]
  if (node?.nodeType !== "leaf") throw new KithError(ErrorCode.Decrypt, "message sender is not a member")
  const leaf = identifyLeaf(node.leaf.credential, node.leaf.signaturePublicKey)
  return { ...leaf, leafIndex: senderData!.leafIndex }
}
