import { sha256 } from "@noble/hashes/sha2.js"
import { BLOB_CHUNK_BYTES, blobChunkCount, ErrorCode, KithError } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { bytesSource, CIPHER_CHUNK_BYTES, openStream, sealedChunkAt } from "./blobCipher"

const key = crypto.getRandomValues(new Uint8Array(32))

function random(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let at = 0; at < length; at += 65536)
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)))
  return out
}

async function seal(plain: Uint8Array, withKey = key): Promise<Uint8Array[]> {
  const source = bytesSource(plain)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < blobChunkCount(plain.length); i++) chunks.push(await sealedChunkAt(source, withKey, i))
  return chunks
}

const digestOf = (chunks: Uint8Array[]) => {
  const h = sha256.create()
  for (const c of chunks) h.update(c)
  return h.digest()
}

/** Feeds ciphertext in awkward pieces (7 KiB), as a network would, with padding after it. */
async function* pieces(chunks: Uint8Array[], padding = 1000): AsyncGenerator<Uint8Array> {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0) + padding)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  for (let i = 0; i < all.length; i += 7 * 1024) yield all.subarray(i, i + 7 * 1024)
}

async function open(chunks: Uint8Array[], size: number, digest = digestOf(chunks)): Promise<Uint8Array> {
  const out: Uint8Array[] = []
  for await (const p of openStream(pieces(chunks), key, size, digest)) out.push(p)
  const joined = new Uint8Array(out.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of out) {
    joined.set(c, at)
    at += c.length
  }
  return joined
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KithError)
  expect((error as KithError).code).toBe(ErrorCode.Decrypt)
  return (error as KithError).message
}

describe("chunked attachment encryption", () => {
  it.each([0, 1, BLOB_CHUNK_BYTES - 1, BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES + 1, 1_000_000])(
    "round-trips %i bytes, ignoring the padding",
    async (size) => {
      const plain = random(size)
      const chunks = await seal(plain)
      expect(chunks.length).toBe(blobChunkCount(size))
      expect(Buffer.from(await open(chunks, size)).equals(Buffer.from(plain))).toBe(true)
    },
  )

  it("fails on a flipped bit", async () => {
    const chunks = await seal(random(200_000))
    chunks[1]![500]! ^= 1
    expect(await failure(open(chunks, 200_000))).toMatch(/could not decrypt/)
  })

  it("fails when cut short, even at a chunk boundary", async () => {
    const chunks = await seal(random(200_000))
    await failure(open(chunks.slice(0, 2), 200_000))
    // Claiming the shorter length makes the non-final chunk the last one: its nonce differs.
    await failure(open(chunks.slice(0, 2), 2 * BLOB_CHUNK_BYTES))
  })

  it("fails when chunks are swapped or the key is wrong", async () => {
    const chunks = await seal(random(3 * BLOB_CHUNK_BYTES))
    await failure(open([chunks[1]!, chunks[0]!, chunks[2]!], 3 * BLOB_CHUNK_BYTES))
    const otherKey = await seal(random(1000), crypto.getRandomValues(new Uint8Array(32)))
    await failure(open(otherKey, 1000))
  })

  it("fails when the digest differs even though every chunk is authentic", async () => {
    const chunks = await seal(random(1000))
    expect(await failure(open(chunks, 1000, new Uint8Array(32)))).toMatch(/digest/)
  })

  it("seals any chunk again identically, which is how an upload resumes", async () => {
    const plain = random(3 * BLOB_CHUNK_BYTES)
    const first = await seal(plain)
    expect(await sealedChunkAt(bytesSource(plain), key, 1)).toEqual(first[1])
    expect(first[0]!.length).toBe(CIPHER_CHUNK_BYTES)
  })
})
