import { nobleCryptoProvider, type CryptoProvider, type Signature } from "ts-mls"
import { memoizedDigest } from "./digestMemo"
import { nobleKdf, nodeKdf } from "./hkdf"
import { platformEd25519 } from "./nativeEd25519"
import { nodeChaCha20Poly1305 } from "./nodeAead"
import { nodeCrypto, type NodeCrypto } from "./nodeCrypto"
import { nodeX25519Crypto, nodeX25519IfCorrect, type X25519Derive } from "./nodeX25519"
import { hpkeWithKem, XWingWithX25519 } from "./nodeXWing"

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
 * - on Node, messages are sealed and opened with its native
 *   ChaCha20-Poly1305 (nodeAead.ts) rather than @noble/ciphers;
 * - on Node, X-Wing's X25519 half runs natively (nodeX25519.ts,
 *   nodeXWing.ts); ML-KEM-768 and the combiner stay the library's;
 * - digests of large inputs are remembered (digestMemo.ts), because ts-mls
 *   1.6 hashes the same ratchet-tree nodes over and over.
 *
 * Every part computes the same bytes as the library's default (known-answer
 * and cross-checks in mlsCryptoProvider.test.ts, hkdf.test.ts,
 * nodeAead.test.ts, nodeX25519.test.ts and nodeXWing.test.ts), so members on
 * any path share groups.
 */
export interface KithCryptoProvider extends CryptoProvider {
  /** Whether signatures run natively (false: pure-JS fallback). */
  nativeSignatures: boolean
  /** Whether HKDF and message encryption run on node:crypto (false: pure JS). */
  nativeSymmetric: boolean
  /** Whether X-Wing's X25519 runs natively (false: the library's pure JS). */
  nativeX25519: boolean
}

/**
 * A provider with the given signatures, HKDF and message encryption on
 * node:crypto when it is given, and X-Wing with the given X25519 (the
 * library's own otherwise).
 */
export function providerWith(
  signature: Signature,
  nativeSignatures: boolean,
  node?: NodeCrypto,
  x25519?: X25519Derive,
): KithCryptoProvider {
  return {
    nativeSignatures,
    nativeSymmetric: node !== undefined,
    nativeX25519: x25519 !== undefined,
    async getCiphersuiteImpl(cs) {
      const base = await nobleCryptoProvider.getCiphersuiteImpl(cs)
      if (cs.signature !== "Ed25519") return base
      const kdf = node ? nodeKdf(node, cs.hpke.kdf) : nobleKdf(cs.hpke.kdf)
      const baseHpke =
        x25519 && cs.hpke.kem === "X-Wing"
          ? await hpkeWithKem(cs.hpke, new XWingWithX25519(x25519))
          : base.hpke
      const hpke =
        node && cs.hpke.aead === "CHACHA20POLY1305"
          ? { ...baseHpke, ...nodeChaCha20Poly1305(node) }
          : baseHpke
      return { ...base, hash: memoizedDigest(base.hash), hpke, kdf, signature }
    },
  }
}

/** The fastest parts this platform has, pure JS otherwise. */
export async function kithCryptoProvider(): Promise<KithCryptoProvider> {
  const { signature, native } = await platformEd25519()
  const x25519Module = nodeX25519Crypto()
  const x25519 = x25519Module && (await nodeX25519IfCorrect(x25519Module))
  return providerWith(signature, native, nodeCrypto(), x25519)
}
