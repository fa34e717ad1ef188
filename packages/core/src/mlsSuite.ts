import { MLS_CIPHERSUITE } from "@kith/protocol"
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from "ts-mls"

let suite: Promise<CiphersuiteImpl> | undefined

/** Kith's one MLS ciphersuite (X-Wing, ChaCha20-Poly1305, SHA-512, Ed25519; docs/crypto.md). */
export function kithCipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHERSUITE))
  return suite
}
