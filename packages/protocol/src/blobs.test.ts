import { describe, expect, it } from "vitest"
import {
  BLOB_CHUNK_BYTES,
  MAX_ATTACHMENT_BYTES,
  MAX_BLOB_BYTES,
  MIN_BLOB_BUCKET_BYTES,
  blobCiphertextLength,
  isBlobBucket,
  paddedBlobLength,
} from "./blobs"

describe("blob buckets", () => {
  it("pads tiny files to the minimum bucket", () => {
    expect(paddedBlobLength(blobCiphertextLength(0))).toBe(MIN_BLOB_BUCKET_BYTES)
    expect(paddedBlobLength(blobCiphertextLength(1))).toBe(MIN_BLOB_BUCKET_BYTES)
  })

  it("never shrinks, adds at most 12%, and lands on a bucket", () => {
    for (let n = 1; n < 2 ** 28; n = Math.ceil(n * 1.37) + 7) {
      const padded = paddedBlobLength(n)
      expect(padded).toBeGreaterThanOrEqual(n)
      if (n > MIN_BLOB_BUCKET_BYTES) expect(padded / n).toBeLessThan(1.12)
      expect(isBlobBucket(padded)).toBe(true)
    }
  })

  it("puts many nearby sizes in one bucket", () => {
    const a = paddedBlobLength(blobCiphertextLength(1_000_000))
    const b = paddedBlobLength(blobCiphertextLength(1_010_000))
    expect(a).toBe(b)
  })

  it("refuses lengths no honest client produces", () => {
    expect(isBlobBucket(MIN_BLOB_BUCKET_BYTES + 1)).toBe(false)
    expect(isBlobBucket(0)).toBe(false)
    expect(isBlobBucket(-4096)).toBe(false)
    expect(isBlobBucket(1.5)).toBe(false)
  })

  it("frames chunks with one tag each, an empty file as one chunk", () => {
    expect(blobCiphertextLength(0)).toBe(16)
    expect(blobCiphertextLength(BLOB_CHUNK_BYTES)).toBe(BLOB_CHUNK_BYTES + 16)
    expect(blobCiphertextLength(BLOB_CHUNK_BYTES + 1)).toBe(BLOB_CHUNK_BYTES + 1 + 32)
    expect(MAX_BLOB_BYTES).toBeGreaterThan(MAX_ATTACHMENT_BYTES)
    expect(MAX_BLOB_BYTES).toBeLessThan(MAX_ATTACHMENT_BYTES * 1.12)
  })
})
