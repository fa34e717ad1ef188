import { expand, extract } from "@noble/hashes/hkdf.js"
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js"
import type { Kdf } from "ts-mls"
import type { NodeCrypto } from "./nodeCrypto"

/**
 * HKDF (RFC 5869) for MLS, synchronously. The library's default goes through
 * WebCrypto, importing a key and awaiting a native job for every one of the
 * ten or so tiny derivations a message needs (key, nonce and next ratchet
 * secret, sender-data key and nonce: on each side); computing them
 * on the spot is cheaper than one such round trip.
 */
export type HkdfAlgorithm = "HKDF-SHA256" | "HKDF-SHA384" | "HKDF-SHA512"

const nobleHashes = { "HKDF-SHA256": sha256, "HKDF-SHA384": sha384, "HKDF-SHA512": sha512 } as const
const nodeHashes = { "HKDF-SHA256": "sha256", "HKDF-SHA384": "sha384", "HKDF-SHA512": "sha512" } as const

/** Pure JavaScript (@noble/hashes): any platform. */
export function nobleKdf(algorithm: HkdfAlgorithm): Kdf {
  const hash = nobleHashes[algorithm]
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

const FIRST_BLOCK = Uint8Array.of(1)

/**
 * On Node's native HMAC, a few times faster than HMAC-SHA-512 in JavaScript.
 * Extract is one HMAC by definition (RFC 5869 §2.2; an empty salt and the
 * hash's length of zeros are the same HMAC key). Every expansion MLS asks
 * for fits one block of the hash (keys, nonces, secrets of the hash's size),
 * and one block of Expand is one HMAC over info and the counter byte 1
 * (§2.3); longer outputs are left to @noble/hashes' Expand.
 */
export function nodeKdf(node: NodeCrypto, algorithm: HkdfAlgorithm): Kdf {
  const name = nodeHashes[algorithm]
  const size = nobleHashes[algorithm].outputLen
  const slow = nobleKdf(algorithm)
  // A fresh array of the requested length: Node's digest may be a Buffer, whose slice() shares memory.
  const owned = (digest: Uint8Array, length: number) => {
    const out = new Uint8Array(length)
    out.set(digest.subarray(0, length))
    return out
  }
  return {
    async extract(salt, ikm) {
      return owned(node.createHmac(name, salt).update(ikm).digest(), size)
    },
    async expand(prk, info, length) {
      if (length > size) return slow.expand(prk, info, length)
      return owned(node.createHmac(name, prk).update(info).update(FIRST_BLOCK).digest(), length)
    },
    size,
  }
}
