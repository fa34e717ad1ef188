import { nobleCryptoProvider, type CryptoProvider, type Signature } from "ts-mls"
import { memoizedDigest } from "./digestMemo"
import { nobleKdf, nodeKdf } from "./hkdf"
import { platformEd25519 } from "./nativeEd25519"
import { nodeCrypto, type NodeCrypto } from "./nodeCrypto"

/**
 * The crypto under Kith's MLS: ts-mls' own pure-JS provider (X-Wing HPKE,
 * ChaCha20-Poly1305, SHA-2 from @noble) with the parts replaced that cost
 * most per message:
 *
 * - Ed25519 signatures run natively with imported keys kept
 *   (nativeEd25519.ts): synchronously in node:crypto on Node, on WebCrypto
 *   in browsers, in pure JS where the platform has neither;
 * - HKDF runs synchronously (hkdf.ts): on Node's native HMAC, or in
 *   @noble/hashes, never through WebCrypto's promise per derivation;
 * - digests of large inputs are remembered (digestMemo.ts), because ts-mls
 *   1.6 hashes the same ratchet-tree nodes over and over.
 *
 * Every part computes the same bytes as the library's default (tested in
 * mlsCryptoProvider.test.ts), so members on either path share groups.
 */
export interface KithCryptoProvider extends CryptoProvider {
  /** Whether signatures run natively (false: pure-JS fallback). */
  nativeSignatures: boolean
  /** Whether HKDF runs on native HMAC (false: pure JS). */
  nativeKdf: boolean
}

/** A provider with the given signatures, and HKDF on node:crypto's HMAC when it is given. */
export function providerWith(
  signature: Signature,
  nativeSignatures: boolean,
  node?: NodeCrypto,
): KithCryptoProvider {
  return {
    nativeSignatures,
    nativeKdf: node !== undefined,
    async getCiphersuiteImpl(cs) {
      const base = await nobleCryptoProvider.getCiphersuiteImpl(cs)
      if (cs.signature !== "Ed25519") return base
      const kdf = node ? nodeKdf(node, cs.hpke.kdf) : nobleKdf(cs.hpke.kdf)
      return { ...base, hash: memoizedDigest(base.hash), kdf, signature }
    },
  }
}

/** The fastest parts this platform has, pure JS otherwise. */
export async function kithCryptoProvider(): Promise<KithCryptoProvider> {
  const { signature, native } = await platformEd25519()
  return providerWith(signature, native, nodeCrypto())
}
