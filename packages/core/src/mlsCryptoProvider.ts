import { extract, expand } from "@noble/hashes/hkdf.js"
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js"
import { nobleCryptoProvider, type CryptoProvider, type Kdf, type Signature } from "ts-mls"
import { memoizedDigest } from "./digestMemo"
import { platformEd25519 } from "./nativeEd25519"

/**
 * The crypto under Kith's MLS: ts-mls' own pure-JS provider (X-Wing HPKE,
 * ChaCha20-Poly1305, SHA-2 from @noble) with two parts replaced where they
 * cost most per message:
 *
 * - Ed25519 signatures run on the platform's WebCrypto with imported keys
 *   kept (nativeEd25519.ts), or in pure JS where the platform lacks Ed25519;
 * - HKDF runs synchronously in @noble/hashes. The library's default goes
 *   through WebCrypto HMAC, importing a key and awaiting a native job for
 *   every one of the dozen tiny derivations a message needs; hashing 100
 *   bytes in JavaScript is cheaper than one such round trip;
 * - digests of large inputs are remembered (digestMemo.ts), because ts-mls
 *   1.6 hashes the same ratchet-tree nodes over and over.
 *
 * Every part computes the same bytes as the library's default (tested in
 * mlsCryptoProvider.test.ts), so members on either path share groups.
 */
export interface KithCryptoProvider extends CryptoProvider {
  /** Whether signatures run natively (false: pure-JS fallback). */
  nativeSignatures: boolean
}

const hashes = { "HKDF-SHA256": sha256, "HKDF-SHA384": sha384, "HKDF-SHA512": sha512 } as const

export function nobleKdf(algorithm: keyof typeof hashes): Kdf {
  const hash = hashes[algorithm]
  return {
    async extract(salt, ikm) {
      return extract(hash, ikm, salt)
    },
    async expand(prk, info, length) {
      return expand(hash, prk, info, length)
    },
    size: hash.outputLen,
  }
}

export function providerWith(signature: Signature, nativeSignatures: boolean): KithCryptoProvider {
  return {
    nativeSignatures,
    async getCiphersuiteImpl(cs) {
      const base = await nobleCryptoProvider.getCiphersuiteImpl(cs)
      if (cs.signature !== "Ed25519") return base
      return { ...base, hash: memoizedDigest(base.hash), kdf: nobleKdf(cs.hpke.kdf), signature }
    },
  }
}

/** Native signatures when the platform has them, pure JS otherwise. */
export async function kithCryptoProvider(): Promise<KithCryptoProvider> {
  const { signature, native } = await platformEd25519()
  return providerWith(signature, native)
}
