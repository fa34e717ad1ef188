import { bytesToHex } from "@noble/hashes/utils.js"
import { sha512 } from "@noble/hashes/sha2.js"
import { nobleCryptoProvider, getCiphersuiteFromName } from "ts-mls"
import { describe, expect, it } from "vitest"
import { memoizedDigest, MIN_REMEMBERED_BYTES } from "./digestMemo"

describe("remembered digests", () => {
  it("give the same digest as hashing, for inputs that differ in one byte, and never share the returned bytes", async () => {
    const base = (
      await nobleCryptoProvider.getCiphersuiteImpl(
        getCiphersuiteFromName("MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519"),
      )
    ).hash
    const hash = memoizedDigest(base)
    const input = crypto.getRandomValues(new Uint8Array(2000))
    const first = await hash.digest(input)
    expect(bytesToHex(first)).toBe(bytesToHex(sha512(input)))
    first.fill(0) // a caller zeroing its copy must not change what is remembered
    expect(bytesToHex(await hash.digest(input))).toBe(bytesToHex(sha512(input)))
    for (const at of [0, 255, 1999]) {
      const other = input.slice()
      other[at]! ^= 0x80
      expect(bytesToHex(await hash.digest(other))).toBe(bytesToHex(sha512(other)))
    }
    // Every byte value maps to its own character in the key: inputs differing only in 0x80–0x9f stay apart.
    const a = new Uint8Array(300).fill(0x81)
    const b = new Uint8Array(300).fill(0x8d)
    expect(bytesToHex(await hash.digest(a))).toBe(bytesToHex(sha512(a)))
    expect(bytesToHex(await hash.digest(b))).toBe(bytesToHex(sha512(b)))
    expect(await hash.mac(input.subarray(0, 64), input)).toEqual(await base.mac(input.subarray(0, 64), input))
  })

  it("keys inputs the same way where there is no Buffer (browsers): each of the 256 byte values stays apart", async () => {
    const base = (
      await nobleCryptoProvider.getCiphersuiteImpl(
        getCiphersuiteFromName("MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519"),
      )
    ).hash
    const global = globalThis as { Buffer?: unknown }
    const buffer = global.Buffer
    delete global.Buffer
    let hash
    try {
      hash = memoizedDigest(base)
    } finally {
      global.Buffer = buffer
    }
    for (let value = 0; value < 256; value++) {
      const input = new Uint8Array(300).fill(value)
      expect(bytesToHex(await hash.digest(input))).toBe(bytesToHex(sha512(input)))
    }
  })

  it("hashes an input again below the threshold, and once from it up (a blank parent's 134-byte tree-hash input is remembered)", async () => {
    const base = (
      await nobleCryptoProvider.getCiphersuiteImpl(
        getCiphersuiteFromName("MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519"),
      )
    ).hash
    let hashed = 0
    const hash = memoizedDigest({ ...base, digest: async (data) => (hashed++, base.digest(data)) })
    for (const length of [MIN_REMEMBERED_BYTES - 1, MIN_REMEMBERED_BYTES, 134]) {
      const input = crypto.getRandomValues(new Uint8Array(length))
      hashed = 0
      for (let i = 0; i < 3; i++) expect(bytesToHex(await hash.digest(input))).toBe(bytesToHex(sha512(input)))
      expect(hashed).toBe(length < MIN_REMEMBERED_BYTES ? 3 : 1)
    }
  })
})
