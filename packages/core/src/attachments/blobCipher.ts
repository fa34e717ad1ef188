import { chacha20poly1305 } from "@noble/ciphers/chacha.js"
import { sha256 } from "@noble/hashes/sha2.js"
import {
  BLOB_CHUNK_BYTES,
  BLOB_TAG_BYTES,
  blobChunkCount,
  blobCiphertextLength,
  ErrorCode,
  KithError,
} from "@kith/protocol"

/**
 * A blob's ciphertext: the plaintext cut into BLOB_CHUNK_BYTES chunks, each
 * sealed with ChaCha20-Poly1305 under the attachment's fresh key. The nonce
 * is the chunk's index plus a flag on the last chunk, so chunks cannot be
 * reordered, dropped or cut short without failing authentication, and any
 * chunk can be sealed again on its own (that is how an upload resumes).
 */
export const CIPHER_CHUNK_BYTES = BLOB_CHUNK_BYTES + BLOB_TAG_BYTES

function nonceOf(index: number, final: boolean): Uint8Array {
  const nonce = new Uint8Array(12)
  new DataView(nonce.buffer).setBigUint64(0, BigInt(index))
  nonce[11] = final ? 1 : 0
  return nonce
}

export function sealChunk(key: Uint8Array, index: number, final: boolean, plain: Uint8Array): Uint8Array {
  return chacha20poly1305(key, nonceOf(index, final)).encrypt(plain)
}

export function openChunk(key: Uint8Array, index: number, final: boolean, sealed: Uint8Array): Uint8Array {
  try {
    return chacha20poly1305(key, nonceOf(index, final)).decrypt(sealed)
  } catch {
    throw new KithError(
      ErrorCode.Decrypt,
      "could not decrypt: the attachment was altered or the key is wrong",
    )
  }
}

/** Random-access plaintext: a file on disk, a browser Blob, bytes in memory. */
export interface BlobSource {
  readonly size: number
  read(offset: number, length: number): Promise<Uint8Array>
}

export function bytesSource(bytes: Uint8Array): BlobSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) }
}

/** The sealed chunk with this index, read from the source and encrypted again. */
export async function sealedChunkAt(source: BlobSource, key: Uint8Array, index: number): Promise<Uint8Array> {
  const count = blobChunkCount(source.size)
  const start = index * BLOB_CHUNK_BYTES
  const plain = await source.read(start, Math.min(BLOB_CHUNK_BYTES, source.size - start))
  return sealChunk(key, index, index === count - 1, plain)
}

/**
 * Decrypts a ciphertext stream of a plaintext of `size` bytes, chunk by
 * chunk: yields each plaintext chunk once it is authenticated, and fails
 * with KITH_ERR_DECRYPT if anything was changed, cut short or the digest
 * of the whole ciphertext differs. Bytes past the ciphertext (the padding)
 * are ignored. Holds at most one chunk plus one network read in memory.
 */
export async function* openStream(
  ciphertext: AsyncIterable<Uint8Array>,
  key: Uint8Array,
  size: number,
  digest: Uint8Array,
): AsyncGenerator<Uint8Array> {
  const total = blobCiphertextLength(size)
  const count = blobChunkCount(size)
  const hash = sha256.create()
  let pending: Uint8Array = new Uint8Array(0)
  let consumed = 0
  let index = 0
  const chunkLength = (i: number) =>
    i === count - 1 ? total - (count - 1) * CIPHER_CHUNK_BYTES : CIPHER_CHUNK_BYTES
  for await (const piece of ciphertext) {
    const useful = piece.subarray(0, Math.max(0, total - consumed))
    consumed += useful.length
    pending = pending.length === 0 ? useful : concat(pending, useful)
    while (index < count && pending.length >= chunkLength(index)) {
      const sealed = pending.subarray(0, chunkLength(index))
      hash.update(sealed)
      yield openChunk(key, index, index === count - 1, sealed)
      pending = pending.subarray(sealed.length)
      index += 1
    }
    if (index === count) break
  }
  if (index < count) throw new KithError(ErrorCode.Decrypt, "could not decrypt: the attachment is cut short")
  if (!equal(hash.digest(), digest)) {
    throw new KithError(ErrorCode.Decrypt, "could not decrypt: the attachment's digest does not match")
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
