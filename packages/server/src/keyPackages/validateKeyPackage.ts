import { decodeMlsMessage } from "ts-mls"
import { verifyKeyPackage } from "ts-mls/keyPackage.js"
import { verifyLeafNodeSignatureKeyPackage } from "ts-mls/leafNode.js"
import { bytesEqual, ErrorCode, KithError, MLS_CIPHERSUITE, verifyDeviceCertificate } from "@kith/protocol"
import { kithCiphersuite } from "./ciphersuite"

/** Who must be speaking in a key package the caller uploads. */
export interface KeyPackageOwner {
  accountId: Uint8Array
  accountPublicKey: Uint8Array
  deviceId: Uint8Array
  devicePublicKey: Uint8Array
}

/**
 * Checks an uploaded key package the way a joining client would, so the
 * directory never hands out one that names the wrong device: an MLSMessage
 * holding exactly one KeyPackage in Kith's ciphersuite, validly signed, whose
 * basic credential is a device certificate for the caller's own device and
 * account, certifying the very key that signs the package.
 */
export async function validateKeyPackage(encoded: Uint8Array, owner: KeyPackageOwner): Promise<void> {
  const reason = await problemWith(encoded, owner).catch(() => "undecodable key package")
  if (reason !== undefined) throw new KithError(ErrorCode.BadKeyPackage, reason)
}

async function problemWith(encoded: Uint8Array, owner: KeyPackageOwner): Promise<string | undefined> {
  const decoded = decodeMlsMessage(encoded, 0)
  if (decoded === undefined || decoded[1] !== encoded.length) return "undecodable key package"
  const message = decoded[0]
  if (message.version !== "mls10" || message.wireformat !== "mls_key_package") return "not a key package"
  const keyPackage = message.keyPackage
  if (keyPackage.cipherSuite !== MLS_CIPHERSUITE) return "wrong ciphersuite"
  const leaf = keyPackage.leafNode
  if (leaf.leafNodeSource !== "key_package") return "leaf node is not from a key package"
  if (leaf.credential.credentialType !== "basic") return "credential is not a basic credential"

  let certificate
  try {
    certificate = verifyDeviceCertificate(leaf.credential.identity).certificate
  } catch {
    return "credential does not hold a valid device certificate"
  }
  const names =
    bytesEqual(certificate.accountId, owner.accountId) &&
    bytesEqual(certificate.accountPublicKey, owner.accountPublicKey) &&
    bytesEqual(certificate.deviceId, owner.deviceId) &&
    bytesEqual(certificate.devicePublicKey, owner.devicePublicKey)
  if (!names) return "certificate names another device or account"
  if (!bytesEqual(certificate.devicePublicKey, leaf.signaturePublicKey)) {
    return "certificate does not certify the key package's signature key"
  }

  const suite = await kithCiphersuite()
  if (!(await verifyLeafNodeSignatureKeyPackage(leaf, suite.signature))) return "bad leaf node signature"
  if (!(await verifyKeyPackage(keyPackage, suite.signature))) return "bad key package signature"
  return undefined
}
