import type { BlobSource } from "./blobCipher"

/** A browser File or Blob (also Node's Blob): read a slice at a time, never whole. */
export function webBlobSource(blob: Blob): BlobSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  }
}
