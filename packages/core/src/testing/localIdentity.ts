import { ed25519 } from "@noble/curves/ed25519.js"
import { certifyDevice, keyPairFromSeed, type Identity, type KeyPair } from "../identity"

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))

/** An identity made without a server, for unit tests of the crypto layers. */
export function localIdentity(account: KeyPair = keyPairFromSeed(ed25519.utils.randomSecretKey())): Identity {
  const accountId = random(16)
  const deviceId = random(16)
  const device = keyPairFromSeed(ed25519.utils.randomSecretKey())
  return {
    accountId,
    account,
    deviceId,
    device,
    certificate: certifyDevice(accountId, account, deviceId, device.publicKey, Date.now()),
    deliveryToken: random(32),
    profileKey: random(32),
  }
}

/** Another device of the same account. */
export function sameAccountDevice(of: Identity): Identity {
  const deviceId = random(16)
  const device = keyPairFromSeed(ed25519.utils.randomSecretKey())
  return {
    ...of,
    deviceId,
    device,
    certificate: certifyDevice(of.accountId, of.account, deviceId, device.publicKey, Date.now()),
  }
}
