import { ErrorCode, fromBase64Url, KithError, retryableCodes, toBase64Url } from "@kith/protocol"
import type { KeyPackage, PrivateKeyPackage, RatchetTree, Welcome } from "ts-mls"
import type { Engine } from "./engine"
import { openTree, treeLocatorForWelcome } from "./ratchetTreeTransfer"

/**
 * Stores a commit's sealed tree at the server (ratchetTreeTransfer.ts says why
 * and how it is sealed). A tree already there under the same id is this one:
 * the id is derived from the epoch, and the same commit made again (an
 * add-only commit is deterministic) starts the same epoch with the same tree.
 */
export async function storeSealedTree(
  engine: Engine,
  sealed: { treeId: string; ciphertext: Uint8Array },
): Promise<void> {
  try {
    await engine.api.call("putRatchetTree", {
      params: { treeId: sealed.treeId },
      body: { ciphertext: toBase64Url(sealed.ciphertext) },
    })
  } catch (e) {
    if (!(e instanceof KithError && e.code === ErrorCode.Conflict)) throw e
  }
}

/**
 * The ratchet tree a Welcome needs, fetched and opened; undefined when the
 * Welcome carries it. A failure that may pass (network, server busy) is
 * thrown as retryable, so the Welcome is not acknowledged and comes again.
 */
export async function treeForWelcome(
  engine: Engine,
  welcome: Welcome,
  keyPackage: KeyPackage,
  privatePackage: PrivateKeyPackage,
): Promise<RatchetTree | undefined> {
  const locator = await treeLocatorForWelcome(welcome, keyPackage, privatePackage)
  if (!locator) return undefined
  let response
  try {
    response = await engine.api.call("getRatchetTree", { params: { treeId: locator.treeId } })
  } catch (e) {
    if (e instanceof KithError && e.code === ErrorCode.NotFound)
      throw new KithError(ErrorCode.Decrypt, "the ratchet tree this Welcome needs is not at the server")
    throw e
  }
  const ciphertext = fromBase64Url(response.ciphertext)
  if (!ciphertext) throw new KithError(ErrorCode.Decrypt, "the ratchet tree is not base64url")
  return openTree(locator, ciphertext)
}

/** Whether an error only means "not now": the payload should come again rather than count as failed. */
export const isTransient = (e: unknown): boolean => e instanceof KithError && retryableCodes.has(e.code)
