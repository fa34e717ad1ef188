import { bytesEqual, ErrorCode, fromBase64Url, KithError } from "@kith/protocol"
import type { KeyPackage } from "ts-mls"
import { identifyLeaf, type LeafIdentity } from "./credential"
import type { Engine } from "./engine"
import { decodeKeyPackageMessage } from "./keyPackages"

export interface ClaimedKeyPackage {
  accountId: string
  deviceId: string
  keyPackage: KeyPackage
}

/**
 * Claims one key package per device of an account ([H5]) and keeps only those
 * whose certificate names that account, that device, and the account key
 * pinned for it — so the server cannot slip in a device of its own.
 */
export async function claimKeyPackages(
  engine: Engine,
  accountId: string,
  excludeDeviceIds: string[] = [],
): Promise<ClaimedKeyPackage[]> {
  let keyPackages: { deviceId: string; keyPackage: string }[]
  try {
    ;({ keyPackages } = await engine.api.call("claimKeyPackages", {
      params: { accountId },
      body: excludeDeviceIds.length > 0 ? { excludeDeviceIds } : {},
    }))
  } catch (e) {
    // The server answers "none" with NoKeyPackage (e.g. when every device is excluded).
    if (e instanceof KithError && e.code === ErrorCode.NoKeyPackage) return []
    throw e
  }
  const pinned =
    accountId === engine.myAccountId
      ? engine.me().account.publicKey
      : b64Maybe(engine.contacts.get(accountId)?.accountPublicKey)
  const claimed: ClaimedKeyPackage[] = []
  // Every refusal is an event: a server that offers a device the account did not certify is attacking.
  const refuse = (deviceId: string, reason: "account-key-changed" | "not-certified") =>
    engine.events.emit({ type: "untrusted-device", accountId, deviceId, reason })
  for (const entry of keyPackages) {
    const keyPackage = decodeKeyPackageMessage(b64Maybe(entry.keyPackage) ?? new Uint8Array())
    if (!keyPackage) {
      refuse(entry.deviceId, "not-certified")
      continue
    }
    let leaf: LeafIdentity
    try {
      leaf = identifyLeaf(keyPackage.leafNode.credential, keyPackage.leafNode.signaturePublicKey)
    } catch {
      refuse(entry.deviceId, "not-certified")
      continue
    }
    if (leaf.accountId !== accountId || leaf.deviceId !== entry.deviceId) {
      refuse(entry.deviceId, "not-certified")
      continue
    }
    if (pinned && !bytesEqual(pinned, leaf.accountPublicKey)) {
      refuse(entry.deviceId, "account-key-changed")
      continue
    }
    if (excludeDeviceIds.includes(leaf.deviceId)) continue
    claimed.push({ accountId, deviceId: entry.deviceId, keyPackage })
  }
  return claimed
}

const b64Maybe = (text: string | undefined) => (text === undefined ? undefined : fromBase64Url(text))
