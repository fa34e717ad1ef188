import { MLS_CIPHERSUITE } from "@kith/protocol"
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from "ts-mls"
import { kithCryptoProvider } from "./mlsCryptoProvider"

let suite: Promise<CiphersuiteImpl> | undefined

/**
 * Kith's one MLS ciphersuite (X-Wing, ChaCha20-Poly1305, SHA-512, Ed25519;
 * docs/crypto.md), with native Ed25519 where the platform has it.
 */
export function kithCipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= kithCryptoProvider().then((provider) =>
    getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHERSUITE), provider),
  )
  return suite
}
