import { bytesEqual, ErrorCode, KithError, toBase64Url, verifyDeviceCertificate } from "@kith/protocol"
import type { AuthenticationService, Credential } from "ts-mls"

/** Who a leaf is, once its credential has been checked ([C1], [C2]). */
export interface LeafIdentity {
  accountId: string
  deviceId: string
  accountPublicKey: Uint8Array
  devicePublicKey: Uint8Array
}

/** [C1] A leaf's MLS credential is a basic credential carrying the device certificate. */
export function credentialFor(certificate: Uint8Array): Credential {
  return { credentialType: "basic", identity: certificate }
}

// Trees are read often (every send lists the members); a certificate is checked once.
const verified = new Map<string, LeafIdentity>()
const MAX_CACHED = 10_000

/**
 * [C2] Checks a leaf's credential: a certificate signed by the account key it
 * names, for exactly the leaf's signature key. Throws BadCertificate otherwise.
 */
export function identifyLeaf(credential: Credential, signaturePublicKey: Uint8Array): LeafIdentity {
  if (credential.credentialType !== "basic") {
    throw new KithError(ErrorCode.BadCertificate, "leaf credential is not a basic credential")
  }
  const cacheKey = toBase64Url(credential.identity) + "." + toBase64Url(signaturePublicKey)
  const cached = verified.get(cacheKey)
  if (cached) return cached
  const { certificate } = verifyDeviceCertificate(credential.identity)
  if (!bytesEqual(certificate.devicePublicKey, signaturePublicKey)) {
    throw new KithError(ErrorCode.BadCertificate, "certificate is for another device key than the leaf's")
  }
  const leaf: LeafIdentity = {
    accountId: toBase64Url(certificate.accountId),
    deviceId: toBase64Url(certificate.deviceId),
    accountPublicKey: certificate.accountPublicKey,
    devicePublicKey: certificate.devicePublicKey,
  }
  if (verified.size >= MAX_CACHED) verified.clear()
  verified.set(cacheKey, leaf)
  return leaf
}

/**
 * Answers whether an account key is acceptable for an account id: the engine
 * compares it with the key it pinned ([C3]) and warns on a mismatch.
 */
export type AccountKeyCheck = (leaf: LeafIdentity) => boolean

/** The MLS authentication service: a valid certificate, and an account key the engine accepts. */
export function kithAuthService(checkAccountKey: AccountKeyCheck): AuthenticationService {
  return {
    async validateCredential(credential, signaturePublicKey) {
      let leaf: LeafIdentity
      try {
        leaf = identifyLeaf(credential, signaturePublicKey)
      } catch {
        return false
      }
      return checkAccountKey(leaf)
    },
  }
}
