import { sha256 } from "@noble/hashes/sha2.js"
import {
  BLOBS_PATH,
  blobCiphertextLength,
  ErrorCode,
  isErrorCode,
  KithError,
  paddedBlobLength,
  TUS_CONTENT_TYPE,
  TUS_VERSION,
} from "@kith/protocol"
import type { Clock, RandomBytes } from "../runtime"
import { CIPHER_CHUNK_BYTES, sealedChunkAt, type BlobSource } from "./blobCipher"

/** Where blobs go and how to prove who is uploading. */
export interface BlobEndpoint {
  baseUrl: string
  /** A session token; `refresh` asks for a new one after the server refused the old (a restart forgets sessions). */
  token(refresh: boolean): Promise<string>
  clock: Clock
  random: RandomBytes
}

export interface UploadOptions {
  /** Bytes of the padded blob the server has, out of its length. */
  onProgress?: (sent: number, total: number) => void
  /** Aborting pauses: the bytes sent stay at the server, `resumeBlobId` continues. */
  signal?: AbortSignal
  /** Continue an upload paused earlier instead of starting a new one. */
  resumeBlobId?: string
  /** Told the new blob's id as soon as the server created it (what a later resume needs). */
  onCreated?: (blobId: string) => void
  /** Bytes per PATCH request: memory held at once while uploading. */
  requestBytes?: number
  /** Consecutive failed attempts before giving up. */
  attempts?: number
}

export interface Uploaded {
  blobId: string
  /** SHA-256 of the ciphertext before padding. */
  digest: Uint8Array
}

/**
 * Encrypts `source` under `key` and uploads it with tus (docs/media.md):
 * creates the blob at its padded length, then PATCHes it a few megabytes at
 * a time, encrypting each chunk just before it is sent. After a dropped
 * connection or a server restart it asks the server's offset (HEAD) and
 * goes on from there, sealing that chunk again (sealing is deterministic).
 */
export async function uploadBlob(
  endpoint: BlobEndpoint,
  source: BlobSource,
  key: Uint8Array,
  options: UploadOptions = {},
): Promise<Uploaded> {
  const cipherLength = blobCiphertextLength(source.size)
  const total = paddedBlobLength(cipherLength)
  const requestBytes = options.requestBytes ?? 4 * 1024 * 1024
  const http = new TusHttp(endpoint, options.signal)
  const hash = sha256.create()
  let hashed = 0

  /** Bytes [from, from+length) of the padded blob; ciphertext is hashed the first time it is produced. */
  async function range(from: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    const out = new Uint8Array(length)
    let at = from
    while (at < from + length) {
      if (at >= cipherLength) {
        out.set(randomFill(endpoint.random, from + length - at), at - from)
        break
      }
      const index = Math.floor(at / CIPHER_CHUNK_BYTES)
      const chunkStart = index * CIPHER_CHUNK_BYTES
      const sealed = await sealedChunkAt(source, key, index)
      if (chunkStart + sealed.length > hashed) {
        hash.update(sealed.subarray(hashed - chunkStart))
        hashed = chunkStart + sealed.length
      }
      const piece = sealed.subarray(at - chunkStart, Math.min(sealed.length, from + length - chunkStart))
      out.set(piece, at - from)
      at += piece.length
    }
    return out
  }

  const blobId = options.resumeBlobId ?? (await http.create(total))
  if (options.resumeBlobId === undefined) options.onCreated?.(blobId)
  let offset = options.resumeBlobId === undefined ? 0 : await http.offset(blobId)
  // A resumed upload hashes what the server already holds before going on.
  for (let at = 0; at < Math.min(offset, cipherLength); at += CIPHER_CHUNK_BYTES) {
    await range(at, Math.min(CIPHER_CHUNK_BYTES, cipherLength - at))
  }
  options.onProgress?.(offset, total)
  let failures = 0
  const attempts = options.attempts ?? 6
  while (offset < total) {
    const body = await range(offset, Math.min(requestBytes, total - offset))
    try {
      offset = await http.patch(blobId, offset, body)
      failures = 0
    } catch (e) {
      if (options.signal?.aborted || !isTransient(e) || ++failures >= attempts) throw e
      await endpoint.clock.sleep(200 * 2 ** failures, options.signal)
      offset = await http.offset(blobId).catch((again: unknown) => {
        if (isTransient(again)) return offset
        throw again
      })
    }
    options.onProgress?.(offset, total)
  }
  if (hashed < cipherLength) await range(hashed, cipherLength - hashed)
  return { blobId, digest: hash.digest() }
}

/** Deletes a blob this account uploaded (the sender's "delete for everyone" of an attachment). */
export async function deleteBlob(endpoint: BlobEndpoint, blobId: string): Promise<void> {
  await new TusHttp(endpoint).delete(blobId)
}

function randomFill(random: RandomBytes, length: number): Uint8Array {
  // Random padding: zeros would show the server where the ciphertext ends.
  const out = new Uint8Array(length)
  for (let at = 0; at < length; at += 65536) out.set(random(Math.min(65536, length - at)), at)
  return out
}

function isTransient(e: unknown): boolean {
  return (
    e instanceof KithError && (e.retryable || e.code === ErrorCode.Conflict || e.code === ErrorCode.Internal)
  )
}

/** The few tus requests, with one session renewal on 401 and typed errors. */
class TusHttp {
  constructor(
    private readonly endpoint: BlobEndpoint,
    private readonly signal?: AbortSignal,
  ) {}

  async create(length: number): Promise<string> {
    const response = await this.send("POST", BLOBS_PATH, { "upload-length": String(length) })
    const location = response.headers.get("location") ?? ""
    const id = /\/([A-Za-z0-9_-]{22})$/.exec(location)?.[1]
    if (!id) throw new KithError(ErrorCode.Internal, "the server's upload location is not a blob id")
    return id
  }

  async offset(blobId: string): Promise<number> {
    return numberHeader(await this.send("HEAD", `${BLOBS_PATH}/${blobId}`, {}), "upload-offset")
  }

  async patch(blobId: string, offset: number, body: Uint8Array<ArrayBuffer>): Promise<number> {
    const headers = { "upload-offset": String(offset), "content-type": TUS_CONTENT_TYPE }
    return numberHeader(await this.send("PATCH", `${BLOBS_PATH}/${blobId}`, headers, body), "upload-offset")
  }

  async delete(blobId: string): Promise<void> {
    await this.send("DELETE", `${BLOBS_PATH}/${blobId}`, {})
  }

  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Uint8Array<ArrayBuffer>,
    refresh = false,
  ): Promise<Response> {
    const token = await this.endpoint.token(refresh)
    let response: Response
    try {
      response = await fetch(this.endpoint.baseUrl + path, {
        method,
        headers: { ...headers, "tus-resumable": TUS_VERSION, authorization: `Bearer ${token}` },
        body,
        signal: this.signal,
      })
    } catch (e) {
      throw new KithError(ErrorCode.Network, `${method} ${BLOBS_PATH}: ${(e as Error).message}`)
    }
    if (response.status === 401 && !refresh) {
      await response.body?.cancel()
      return this.send(method, path, headers, body, true)
    }
    if (!response.ok) throw await errorOf(method, response)
    return response
  }
}

export async function errorOf(method: string, response: Response): Promise<KithError> {
  let code: ErrorCode = response.status >= 500 ? ErrorCode.Unavailable : ErrorCode.BadRequest
  let message = `HTTP ${response.status}`
  try {
    const json = (await response.json()) as { code?: unknown; message?: unknown }
    if (isErrorCode(json.code)) code = json.code
    if (typeof json.message === "string") message = json.message
  } catch {
    // HEAD responses and proxies' pages carry no JSON body: the status decides.
    if (response.status === 404) code = ErrorCode.NotFound
    if (response.status === 409) code = ErrorCode.Conflict
  }
  return new KithError(code, `${method} ${BLOBS_PATH}: ${message}`, { status: response.status })
}

function numberHeader(response: Response, name: string): number {
  const value = Number(response.headers.get(name))
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new KithError(ErrorCode.Internal, `the server sent no valid ${name}`)
  }
  return value
}
