import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import { ed25519 } from "@noble/curves/ed25519.js"
import { bytesEqual, concatBytes, utf8 } from "./bytes"
import { ErrorCode, KithError } from "./errors"
import { ID_BYTES } from "./limits"
import {
  DeviceCertificateSchema,
  SignedDeviceCertificateSchema,
  type DeviceCertificate,
} from "./gen/kith/v1/certificate_pb"

export type { DeviceCertificate }

const CONTEXT = utf8.encode("kith-device-certificate-v1")

/** A verified certificate together with the exact bytes it came from. */
export interface VerifiedCertificate {
  certificate: DeviceCertificate
  encoded: Uint8Array
}

export function signDeviceCertificate(
  fields: Omit<DeviceCertificate, "$typeName" | "$unknown">,
  accountPrivateKey: Uint8Array,
): Uint8Array {
  const certificate = toBinary(DeviceCertificateSchema, create(DeviceCertificateSchema, fields))
  const signature = ed25519.sign(concatBytes(CONTEXT, certificate), accountPrivateKey)
  return toBinary(
    SignedDeviceCertificateSchema,
    create(SignedDeviceCertificateSchema, { certificate, signature }),
  )
}

/**
 * Decodes and checks a signed device certificate: well-formed fields and a valid
 * signature by the account key it names. Whether that account key is the one
 * the caller expects is the caller's question (the server compares it with the
 * registered key; clients with the key they pinned).
 */
export function verifyDeviceCertificate(encoded: Uint8Array): VerifiedCertificate {
  let certificate: DeviceCertificate
  let signature: Uint8Array
  try {
    const signed = fromBinary(SignedDeviceCertificateSchema, encoded)
    signature = signed.signature
    certificate = fromBinary(DeviceCertificateSchema, signed.certificate)
    if (!bytesEqual(toBinary(DeviceCertificateSchema, certificate), signed.certificate)) {
      throw new Error("non-canonical encoding")
    }
    if (!bytesEqual(toBinary(SignedDeviceCertificateSchema, signed), encoded)) {
      throw new Error("non-canonical encoding")
    }
    const valid =
      certificate.accountId.length === ID_BYTES &&
      certificate.deviceId.length === ID_BYTES &&
      certificate.accountPublicKey.length === 32 &&
      certificate.devicePublicKey.length === 32 &&
      signature.length === 64
    if (!valid) throw new Error("wrong field sizes")
    if (!ed25519.verify(signature, concatBytes(CONTEXT, signed.certificate), certificate.accountPublicKey)) {
      throw new Error("bad signature")
    }
  } catch (e) {
    throw new KithError(ErrorCode.BadCertificate, `device certificate rejected: ${(e as Error).message}`)
  }
  return { certificate, encoded }
}
