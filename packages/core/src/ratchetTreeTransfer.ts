import { concatBytes, ErrorCode, KithError, toBase64Url, utf8 } from "@kith/protocol"
import { mlsExporter, type KeyPackage, type PrivateKeyPackage, type RatchetTree, type Welcome } from "ts-mls"
import { ratchetTreeFromExtension } from "ts-mls/groupInfo.js"
import { makeKeyPackageRef } from "ts-mls/keyPackage.js"
import { deriveKeySchedule } from "ts-mls/keySchedule.js"
import { encode } from "ts-mls/codec/tlsEncoder.js"
import { optionalEncoder } from "ts-mls/codec/optional.js"
import { varLenDataEncoder } from "ts-mls/codec/variableLength.js"
import { decodeRatchetTree, nodeEncoder, stripBlankNodes } from "ts-mls/ratchetTree.js"
import { decryptGroupInfo, decryptGroupSecrets } from "ts-mls/welcome.js"
import { kithCipherSuite } from "./mlsSuite"
import { open, seal } from "./sealedBox"

/**
 * Ratchet trees out of band (docs/protocol.md "Ratchet trees"). A Welcome into
 * a large group leaves the tree out (with X-Wing keys it is ~1.5 KB a device);
 * the committer seals it and stores it at the server, and the joiner fetches it.
 *
 * Both the tree's id and its key come from the MLS exporter of the epoch the
 * Welcome starts: `MLS-Exporter("kith ratchet tree", "", 48)`, id = the first
 * 16 bytes, key = the other 32. Members and joiners of that epoch can derive
 * them; the server cannot, and cannot link the id to the group. The joiner
 * then hands the tree to MLS, which checks it against the tree hash the
 * signed GroupInfo commits to, so a substituted tree is refused.
 */
export interface TreeLocator {
  /** base64url, as the route takes it. */
  treeId: string
  key: Uint8Array
}

const EXPORTER_LABEL = "kith ratchet tree"
const AAD = utf8.encode("kith-ratchet-tree-v1")

/** Welcomes into groups of more devices than this leave the tree out. */
export const INLINE_TREE_MAX_DEVICES = 16

async function locatorFrom(exporterSecret: Uint8Array): Promise<TreeLocator> {
  const bytes = await mlsExporter(
    exporterSecret,
    EXPORTER_LABEL,
    new Uint8Array(),
    48,
    await kithCipherSuite(),
  )
  return { treeId: toBase64Url(bytes.subarray(0, 16)), key: bytes.slice(16) }
}

/**
 * Each tree node's encoding, kept as long as the node. ts-mls never changes a
 * node in place: a commit's tree holds new nodes along the changed paths and
 * shares every other node with the tree before it. So storing the tree of a
 * new epoch encodes only the nodes the commit changed, then copies the rest,
 * instead of encoding every node again (3 MB, 100-200 ms at 2,000 devices);
 * sealing it for joiners then costs no second encoding either.
 */
const nodeBytes = new WeakMap<object, Uint8Array>()
const encodeNode = encode(optionalEncoder(nodeEncoder))
const BLANK_NODE = encodeNode(undefined)
const encodeVector = encode(varLenDataEncoder)

/** The same bytes as ts-mls' encodeRatchetTree (tested). */
export function encodeTree(tree: RatchetTree): Uint8Array {
  const nodes = stripBlankNodes(tree).map((node) => {
    if (!node) return BLANK_NODE
    let bytes = nodeBytes.get(node)
    if (!bytes) nodeBytes.set(node, (bytes = encodeNode(node)))
    return bytes
  })
  const items = new Uint8Array(nodes.reduce((sum, bytes) => sum + bytes.length, 0))
  let offset = 0
  for (const bytes of nodes) {
    items.set(bytes, offset)
    offset += bytes.length
  }
  return encodeVector(items)
}

/** The committer's side: the tree of the new epoch, sealed, and where it goes. */
export async function sealTree(
  exporterSecret: Uint8Array,
  tree: RatchetTree,
): Promise<{ treeId: string; ciphertext: Uint8Array }> {
  const { treeId, key } = await locatorFrom(exporterSecret)
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
  const ciphertext = seal(key, encodeTree(tree), random, concatBytes(AAD, utf8.encode(treeId)))
  return { treeId, ciphertext }
}

/**
 * The joiner's side, before joining: undefined when the tree is inside the
 * Welcome; otherwise where to fetch it and the key to open it with. This
 * decrypts the Welcome's secrets and GroupInfo exactly as joining will.
 */
export async function treeLocatorForWelcome(
  welcome: Welcome,
  keyPackage: KeyPackage,
  privatePackage: PrivateKeyPackage,
): Promise<TreeLocator | undefined> {
  const cs = await kithCipherSuite()
  const ref = await makeKeyPackageRef(keyPackage, cs.hash)
  const initKey = await cs.hpke.importPrivateKey(privatePackage.initPrivateKey)
  const secrets = await decryptGroupSecrets(initKey, ref, welcome, cs.hpke)
  if (!secrets) throw new KithError(ErrorCode.Decrypt, "the Welcome's secrets are not for this key package")
  // Kith never uses pre-shared keys, so the PSK secret is the all-zero one MLS defines for none.
  if (secrets.psks.length > 0) throw new KithError(ErrorCode.Decrypt, "a Welcome that needs pre-shared keys")
  const noPsk = new Uint8Array(cs.kdf.size)
  const groupInfo = await decryptGroupInfo(welcome, secrets.joinerSecret, noPsk, cs)
  if (!groupInfo) throw new KithError(ErrorCode.Decrypt, "the Welcome's group info does not decrypt")
  if (ratchetTreeFromExtension(groupInfo)) return undefined
  const [schedule] = await deriveKeySchedule(secrets.joinerSecret, noPsk, groupInfo.groupContext, cs.kdf)
  return locatorFrom(schedule.exporterSecret)
}

/** Opens a fetched tree; MLS validates its contents when joining. */
export function openTree(locator: TreeLocator, ciphertext: Uint8Array): RatchetTree {
  const plaintext = open(locator.key, ciphertext, concatBytes(AAD, utf8.encode(locator.treeId)))
  const decoded = decodeRatchetTree(plaintext, 0)
  if (!decoded) throw new KithError(ErrorCode.Decrypt, "the fetched ratchet tree does not decode")
  return decoded[0]
}
