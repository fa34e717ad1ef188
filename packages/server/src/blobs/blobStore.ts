import type { Readable } from "node:stream"

/** What the server knows about one blob: its owner, padded length and lifetime — never its content. */
export interface BlobRecord {
  /** base64url of 16 random bytes: the capability a recipient downloads with. */
  id: string
  /** The uploading account: quotas and the sender's deletion need it. */
  ownerAccountId: string
  /** The padded length the upload declared (a bucket, docs/media.md). */
  length: number
  createdAtMs: number
  expiresAtMs: number
}

export interface BlobState extends BlobRecord {
  /** Bytes received so far; the blob is complete when this equals `length`. */
  offset: number
}

/**
 * Where blob bytes live. The embedded default is a directory on disk
 * (FsBlobStore); a cluster points every node at one shared directory, and
 * an object store could stand behind the same five operations.
 */
export interface BlobStore {
  create(record: BlobRecord): Promise<void>
  /** The blob and how much of it has arrived, or undefined. */
  get(id: string): Promise<BlobState | undefined>
  /**
   * Appends bytes at `offset` (which must equal the current offset), never
   * past the declared length; returns the new offset. Bytes that arrived
   * before a dropped connection are kept, so an upload resumes there.
   */
  append(id: string, offset: number, bytes: Readable): Promise<number>
  /** The bytes of a complete blob. */
  read(id: string): Readable
  delete(id: string): Promise<void>
  /** Every blob, for quota accounting at start and for the expiry sweep. */
  list(): Promise<BlobState[]>
}
