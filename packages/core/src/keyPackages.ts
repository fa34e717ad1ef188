import { toBase64Url } from "@kith/protocol"
import {
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls"
import { makeKeyPackageRef } from "ts-mls/keyPackage.js"
import { credentialFor } from "./credential"
import type { Identity } from "./identity"
import { kithCipherSuite } from "./mlsSuite"
import { b64 } from "./records"

/**
 * Key packages let others add this device to a group while it is offline.
 * The public half goes to the server; the private half stays in the store,
 * keyed by the key package reference a Welcome names, until a Welcome uses it
 * (the last-resort package is kept: the server hands it out repeatedly).
 */
export interface KeyPackageRecord {
  /** base64url key package reference (RFC 9420 §5.2). */
  ref: string
  /** base64url encoded MLSMessage carrying the public key package. */
  message: string
  initPrivateKey: string
  hpkePrivateKey: string
  lastResort: boolean
}

export const keyPackageKey = (ref: string) => `kp/${ref}`

/** How many one-time key packages a device keeps at the server, and when to top up. */
export interface KeyPackagePolicy {
  target: number
  lowWater: number
}

export const defaultKeyPackagePolicy: KeyPackagePolicy = { target: 50, lowWater: 20 }

export async function generateKeyPackageRecord(
  identity: Identity,
  lastResort: boolean,
): Promise<KeyPackageRecord> {
  const cs = await kithCipherSuite()
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    credentialFor(identity.certificate),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: identity.device.privateKey, publicKey: identity.device.publicKey },
    cs,
  )
  const message = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_key_package",
    keyPackage: publicPackage,
  })
  return {
    ref: toBase64Url(await makeKeyPackageRef(publicPackage, cs.hash)),
    message: toBase64Url(message),
    initPrivateKey: toBase64Url(privatePackage.initPrivateKey),
    hpkePrivateKey: toBase64Url(privatePackage.hpkePrivateKey),
    lastResort,
  }
}

/** Decodes a key package that travelled as an encoded MLSMessage; undefined if it is anything else. */
export function decodeKeyPackageMessage(bytes: Uint8Array): KeyPackage | undefined {
  try {
    const message = decodeMlsMessage(bytes, 0)?.[0]
    return message?.wireformat === "mls_key_package" ? message.keyPackage : undefined
  } catch {
    return undefined
  }
}

export function keyPackageOf(record: KeyPackageRecord): KeyPackage {
  const keyPackage = decodeKeyPackageMessage(b64(record.message))
  if (!keyPackage) throw new Error("stored key package does not decode")
  return keyPackage
}

export function privatePackageOf(record: KeyPackageRecord, identity: Identity): PrivateKeyPackage {
  return {
    initPrivateKey: b64(record.initPrivateKey),
    hpkePrivateKey: b64(record.hpkePrivateKey),
    signaturePrivateKey: identity.device.privateKey,
  }
}
