import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type Credential,
} from "ts-mls"
import { toBase64Url } from "@kith/protocol"
import { kithCiphersuite } from "../keyPackages/ciphersuite"
import type { TestDevice } from "./identities"

/**
 * A real key package for a test device: basic credential = its signed device
 * certificate, signature key = its Ed25519 device key, Kith's ciphersuite.
 * `credential` and `signingKey` let tests forge the wrong ones.
 */
export async function makeKeyPackage(
  device: TestDevice,
  options: { credential?: Credential; signingKey?: { signKey: Uint8Array; publicKey: Uint8Array } } = {},
): Promise<Uint8Array> {
  const suite = await kithCiphersuite()
  const { publicPackage } = await generateKeyPackageWithKey(
    options.credential ?? { credentialType: "basic", identity: device.certificate },
    defaultCapabilities(),
    defaultLifetime,
    [],
    options.signingKey ?? { signKey: device.privateKey, publicKey: device.publicKey },
    suite,
  )
  return encodeMlsMessage({ keyPackage: publicPackage, wireformat: "mls_key_package", version: "mls10" })
}

export async function makeKeyPackages(device: TestDevice, count: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < count; i++) out.push(toBase64Url(await makeKeyPackage(device)))
  return out
}
