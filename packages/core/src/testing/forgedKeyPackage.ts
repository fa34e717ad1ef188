import { ed25519 } from "@noble/curves/ed25519.js"
import { fromBase64Url } from "@kith/protocol"
import { certifyDevice, keyPairFromSeed, type Identity, type KeyPair } from "../identity"
import { generateKeyPackageRecord } from "../keyPackages"

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const freshKeyPair = () => keyPairFromSeed(ed25519.utils.randomSecretKey())

/**
 * Key packages a malicious server could hand out in someone else's name
 * (base64url, as the claim route returns them). The device certificate names
 * `account.publicKey` and is signed with `account.privateKey`.
 */
async function forge(accountId: string, deviceId: string, account: KeyPair): Promise<string> {
  const device = freshKeyPair()
  const ids = { accountId: fromBase64Url(accountId)!, deviceId: fromBase64Url(deviceId)! }
  const certificate = certifyDevice(ids.accountId, account, ids.deviceId, device.publicKey, Date.now())
  const identity: Identity = {
    accountId: ids.accountId,
    account,
    deviceId: ids.deviceId,
    device,
    certificate,
    deliveryToken: random(32),
    profileKey: random(32),
  }
  return (await generateKeyPackageRecord(identity, false)).message
}

/** A device certified by an account key the server made up, in the victim's account's name. */
export function keyPackageUnderServerKey(accountId: string, deviceId: string): Promise<string> {
  return forge(accountId, deviceId, freshKeyPair())
}

/** A device whose certificate names the victim's real account key but was not signed by it. */
export function uncertifiedKeyPackage(
  accountId: string,
  deviceId: string,
  accountPublicKey: Uint8Array,
): Promise<string> {
  // Names the real key, signs with another: the signature cannot verify.
  return forge(accountId, deviceId, { publicKey: accountPublicKey, privateKey: freshKeyPair().privateKey })
}
