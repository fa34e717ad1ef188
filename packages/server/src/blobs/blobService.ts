import type { Readable } from "node:stream"
import { ErrorCode, isBlobBucket, KithError, Limits, toBase64Url } from "@kith/protocol"
import { randomBytes } from "node:crypto"
import type { BlobState, BlobStore } from "./blobStore"

export interface BlobLimits {
  /** Largest padded blob one upload may declare. */
  maxBlobBytes: number
  /** Bytes one account may keep in blobs at once (uploads in progress count in full). */
  quotaBytes: number
}

/** No blob reveals whether it ever existed: unknown, unfinished and foreign ids all read alike. */
const notFound = () => new KithError(ErrorCode.NotFound, "no such blob")

/**
 * The rules around the blob store: only bucket lengths, a maximum size, a
 * quota per account reserved when an upload begins (so parallel uploads
 * cannot overshoot it), one writer per blob, and deletion by the uploader
 * or after Limits.blobRetentionMs.
 */
export class BlobService {
  private readonly usage = new Map<string, number>()
  private readonly writing = new Set<string>()

  private constructor(
    readonly store: BlobStore,
    readonly limits: BlobLimits,
    private readonly now: () => number,
  ) {}

  static async open(store: BlobStore, limits: BlobLimits, now: () => number): Promise<BlobService> {
    const service = new BlobService(store, limits, now)
    for (const blob of await store.list()) service.charge(blob.ownerAccountId, blob.length)
    return service
  }

  private charge(accountId: string, bytes: number): void {
    const total = (this.usage.get(accountId) ?? 0) + bytes
    if (total > 0) this.usage.set(accountId, total)
    else this.usage.delete(accountId)
  }

  usageOf(accountId: string): number {
    return this.usage.get(accountId) ?? 0
  }

  async create(accountId: string, length: number): Promise<BlobState> {
    if (length > this.limits.maxBlobBytes) {
      throw new KithError(ErrorCode.TooLarge, `blobs may be at most ${this.limits.maxBlobBytes} bytes`)
    }
    if (!isBlobBucket(length))
      throw new KithError(ErrorCode.BadRequest, "blob length must be a padding bucket")
    if (this.usageOf(accountId) + length > this.limits.quotaBytes) {
      throw new KithError(ErrorCode.QuotaExceeded, "this upload would exceed the account's storage quota")
    }
    // Reserved before the first await: a concurrent upload sees this one's share.
    this.charge(accountId, length)
    const createdAtMs = this.now()
    const blob: BlobState = {
      id: toBase64Url(randomBytes(16)),
      ownerAccountId: accountId,
      length,
      createdAtMs,
      expiresAtMs: createdAtMs + Limits.blobRetentionMs,
      offset: 0,
    }
    try {
      await this.store.create(blob)
    } catch (e) {
      this.charge(accountId, -length)
      throw e
    }
    return blob
  }

  /** An upload's state, for its uploader only. */
  async status(accountId: string, id: string): Promise<BlobState> {
    const blob = await this.store.get(id)
    if (!blob || blob.ownerAccountId !== accountId || blob.expiresAtMs <= this.now()) throw notFound()
    return blob
  }

  async append(accountId: string, id: string, offset: number, bytes: Readable): Promise<number> {
    const blob = await this.status(accountId, id)
    if (blob.offset !== offset) throw new KithError(ErrorCode.Conflict, `upload offset is ${blob.offset}`)
    if (this.writing.has(id)) throw new KithError(ErrorCode.Conflict, "this blob is being written already")
    this.writing.add(id)
    try {
      return await this.store.append(id, offset, bytes)
    } finally {
      this.writing.delete(id)
    }
  }

  /** A complete blob's length and bytes, for anyone holding its id. */
  async download(id: string): Promise<{ length: number; bytes: Readable }> {
    const blob = await this.store.get(id)
    if (!blob || blob.offset !== blob.length || blob.expiresAtMs <= this.now()) throw notFound()
    return { length: blob.length, bytes: this.store.read(id) }
  }

  async delete(accountId: string, id: string): Promise<void> {
    const blob = await this.status(accountId, id)
    await this.store.delete(id)
    this.charge(blob.ownerAccountId, -blob.length)
  }

  /** Account deletion: every blob the account uploaded goes with it. */
  async deleteAllOf(accountId: string): Promise<number> {
    let deleted = 0
    for (const blob of await this.store.list()) {
      if (blob.ownerAccountId !== accountId) continue
      await this.store.delete(blob.id)
      this.charge(accountId, -blob.length)
      deleted += 1
    }
    return deleted
  }

  /** Deletes every blob past its lifetime; returns how many. */
  async sweep(): Promise<number> {
    const now = this.now()
    let deleted = 0
    for (const blob of await this.store.list()) {
      if (blob.expiresAtMs > now) continue
      await this.store.delete(blob.id)
      this.charge(blob.ownerAccountId, -blob.length)
      deleted += 1
    }
    return deleted
  }
}
