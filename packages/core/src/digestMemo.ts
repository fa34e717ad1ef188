import type { Hash } from "ts-mls"
import { byteString } from "./byteString"

/**
 * Remembers digests of large inputs. ts-mls 1.6 recomputes tree hashes from
 * scratch: checking the parent hashes of a joined tree hashes every subtree
 * once per leaf below it, the same ratchet-tree nodes (1.6 KB each with
 * X-Wing keys) again and again. A digest is a pure function of its input, so
 * its result is kept, keyed by the input's exact bytes (as a string: the
 * engine's own string hashing and comparison are far cheaper than SHA-512 in
 * JavaScript). Blank parent nodes repeat too: their tree-hash inputs are
 * 134 bytes (two child hashes), hashed 14,000 times in a 500-device join,
 * so inputs from 128 bytes up are remembered (a join 0.86 times as long as
 * with 256). Smaller ones are hashed directly; memory is bounded. MLS
 * digests only public data (tree nodes, transcripts, references to key
 * packages and proposals); secrets go through the KDF, which is not cached.
 */
export const MIN_REMEMBERED_BYTES = 128
const MAX_CACHED_BYTES = 32 * 1024 * 1024

export function memoizedDigest(hash: Hash): Hash {
  const cache = new Map<string, Uint8Array>()
  let cachedBytes = 0
  const keyOf = byteString()
  return {
    ...hash,
    mac: hash.mac.bind(hash),
    verifyMac: hash.verifyMac.bind(hash),
    async digest(data) {
      if (data.length < MIN_REMEMBERED_BYTES) return hash.digest(data)
      const key = keyOf(data)
      const known = cache.get(key)
      if (known) return known.slice()
      const digest = await hash.digest(data)
      if (cachedBytes + key.length > MAX_CACHED_BYTES) {
        cache.clear()
        cachedBytes = 0
      }
      cache.set(key, digest.slice())
      cachedBytes += key.length
      return digest
    },
  }
}
