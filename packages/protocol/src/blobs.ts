/**
 * Encrypted blobs (photos, files, voice messages; docs/media.md). The server
 * stores opaque bytes under an unguessable id; both sides agree here on the
 * chunk framing and the padded lengths a blob may have, so that the server
 * can refuse any length that is not a bucket and no exact size reaches it.
 */

/** Uploads speak this subset of tus 1.0.0: creation, HEAD offset, PATCH, expiration, termination. */
export const BLOBS_PATH = "/v1/blobs"
export const TUS_VERSION = "1.0.0"
export const TUS_CONTENT_TYPE = "application/offset+octet-stream"

/** Plaintext bytes per encrypted chunk: small enough to stream, large enough that tags cost 0.02%. */
export const BLOB_CHUNK_BYTES = 64 * 1024
/** Poly1305 tag after each chunk. */
export const BLOB_TAG_BYTES = 16
/** The smallest padded blob: tiny files all look alike. */
export const MIN_BLOB_BUCKET_BYTES = 4096
/** Largest attachment a person may send (plaintext). */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024

/** How many chunks a plaintext of `size` bytes is sealed in (an empty file is one empty chunk). */
export function blobChunkCount(size: number): number {
  return Math.max(1, Math.ceil(size / BLOB_CHUNK_BYTES))
}

/** Ciphertext length before padding. */
export function blobCiphertextLength(size: number): number {
  return size + blobChunkCount(size) * BLOB_TAG_BYTES
}

/**
 * Padmé padding (Nikitin et al., 2019): rounds a length up so that only
 * O(log log n) bits of it remain, at most ~12% larger. Lengths below the
 * minimum bucket become the minimum.
 */
export function paddedBlobLength(length: number): number {
  const l = Math.max(length, MIN_BLOB_BUCKET_BYTES)
  const e = Math.floor(Math.log2(l))
  const s = Math.floor(Math.log2(e)) + 1
  const step = 2 ** (e - s)
  return Math.ceil(l / step) * step
}

/** Whether a blob of this length could have come from an honest client. */
export function isBlobBucket(length: number): boolean {
  return Number.isSafeInteger(length) && length > 0 && paddedBlobLength(length) === length
}

/** The padded length of the largest attachment: the most a server accepts in one blob. */
export const MAX_BLOB_BYTES = paddedBlobLength(blobCiphertextLength(MAX_ATTACHMENT_BYTES))
