import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl } from "ts-mls"
import { MLS_CIPHERSUITE } from "@kith/protocol"

let impl: Promise<CiphersuiteImpl> | undefined

/** Kith's one MLS ciphersuite, built once per process. */
export function kithCiphersuite(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(MLS_CIPHERSUITE))
  return impl
}
