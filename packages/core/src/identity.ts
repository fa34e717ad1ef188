import { signDeviceCertificate, toBase64Url } from "@kith/protocol"
import { ed25519 } from "@noble/curves/ed25519.js"
import { b64 } from "./records"

/** An Ed25519 key pair; the private key is the 32-byte seed. */
export interface KeyPair {
  privateKey: Uint8Array
  publicKey: Uint8Array
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  return { privateKey: seed, publicKey: ed25519.getPublicKey(seed) }
}

/**
 * Everything that makes this device act for its account: the account key
 * (every device holds it, so any device can certify a new one), this device's
 * own key and certificate, and the two secrets friends receive end to end —
 * the delivery token that authorises sealed deliveries and the profile key.
 */
export interface Identity {
  accountId: Uint8Array
  account: KeyPair
  deviceId: Uint8Array
  device: KeyPair
  /** Encoded SignedDeviceCertificate for this device. */
  certificate: Uint8Array
  deliveryToken: Uint8Array
  profileKey: Uint8Array
}

export function certifyDevice(
  accountId: Uint8Array,
  account: KeyPair,
  deviceId: Uint8Array,
  devicePublicKey: Uint8Array,
  issuedAtMs: number,
): Uint8Array {
  return signDeviceCertificate(
    {
      accountId,
      accountPublicKey: account.publicKey,
      deviceId,
      devicePublicKey,
      issuedAtMs: BigInt(issuedAtMs),
    },
    account.privateKey,
  )
}

interface IdentityRecord {
  accountId: string
  accountPrivateKey: string
  deviceId: string
  devicePrivateKey: string
  certificate: string
  deliveryToken: string
  profileKey: string
}

export function identityToRecord(identity: Identity): IdentityRecord {
  return {
    accountId: toBase64Url(identity.accountId),
    accountPrivateKey: toBase64Url(identity.account.privateKey),
    deviceId: toBase64Url(identity.deviceId),
    devicePrivateKey: toBase64Url(identity.device.privateKey),
    certificate: toBase64Url(identity.certificate),
    deliveryToken: toBase64Url(identity.deliveryToken),
    profileKey: toBase64Url(identity.profileKey),
  }
}

export function identityFromRecord(record: IdentityRecord): Identity {
  return {
    accountId: b64(record.accountId),
    account: keyPairFromSeed(b64(record.accountPrivateKey)),
    deviceId: b64(record.deviceId),
    device: keyPairFromSeed(b64(record.devicePrivateKey)),
    certificate: b64(record.certificate),
    deliveryToken: b64(record.deliveryToken),
    profileKey: b64(record.profileKey),
  }
}
