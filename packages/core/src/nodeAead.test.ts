import { chacha20poly1305 } from "@noble/ciphers/chacha.js"
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"
import { CryptoError } from "ts-mls/mlsError.js"
import { describe, expect, it } from "vitest"
import { nodeChaCha20Poly1305 } from "./nodeAead"
import { nodeCrypto } from "./nodeCrypto"

const aead = nodeChaCha20Poly1305(nodeCrypto()!)

/** RFC 8439 section 2.8.2: the AEAD_CHACHA20_POLY1305 example. */
const rfc8439 = {
  key: Array.from({ length: 32 }, (_, i) => (0x80 + i).toString(16)).join(""),
  nonce: "070000004041424344454647",
  aad: "50515253c0c1c2c3c4c5c6c7",
  plaintext:
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  sealed:
    "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b" +
    "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" +
    "3ff4def08e4b7a9de576d26586cec64b6116" +
    "1ae10b594f09e26a7e902ecbd0600691",
}

describe("ChaCha20-Poly1305 on node:crypto", () => {
  it("seals and opens the RFC 8439 example", async () => {
    const [key, nonce, aad] = [hexToBytes(rfc8439.key), hexToBytes(rfc8439.nonce), hexToBytes(rfc8439.aad)]
    const plaintext = new TextEncoder().encode(rfc8439.plaintext)
    const sealed = await aead.encryptAead(key, nonce, aad, plaintext)
    expect(bytesToHex(sealed)).toBe(rfc8439.sealed)
    expect(new TextDecoder().decode(await aead.decryptAead(key, nonce, aad, sealed))).toBe(rfc8439.plaintext)
  })

  it("gives the same bytes as @noble/ciphers, with and without AAD, for every length from empty up", async () => {
    for (let length = 0; length < 300; length += 7) {
      const key = crypto.getRandomValues(new Uint8Array(32))
      const nonce = crypto.getRandomValues(new Uint8Array(12))
      const aad = length % 2 ? crypto.getRandomValues(new Uint8Array(length % 50)) : undefined
      const plaintext = crypto.getRandomValues(new Uint8Array(length))
      const sealed = await aead.encryptAead(key, nonce, aad, plaintext)
      const expected = chacha20poly1305(key, nonce, aad ?? new Uint8Array()).encrypt(plaintext)
      expect(bytesToHex(sealed)).toBe(bytesToHex(expected))
      expect(bytesToHex(await aead.decryptAead(key, nonce, aad, expected))).toBe(bytesToHex(plaintext))
      // A plain array of its own, as from the pure-JS path.
      expect(Object.getPrototypeOf(sealed)).toBe(Uint8Array.prototype)
      expect(sealed.buffer.byteLength).toBe(sealed.length)
    }
  })

  it("refuses, with the library's CryptoError, anything the tag does not authenticate", async () => {
    const key = crypto.getRandomValues(new Uint8Array(32))
    const nonce = crypto.getRandomValues(new Uint8Array(12))
    const aad = crypto.getRandomValues(new Uint8Array(20))
    const sealed = await aead.encryptAead(key, nonce, aad, new TextEncoder().encode("a text message"))
    const flipped = (bytes: Uint8Array, at: number) => {
      const copy = bytes.slice()
      copy[at]! ^= 1
      return copy
    }
    const forgeries: [Uint8Array, Uint8Array, Uint8Array | undefined, Uint8Array][] = [
      [key, nonce, aad, flipped(sealed, 0)], // ciphertext
      [key, nonce, aad, flipped(sealed, sealed.length - 1)], // tag
      [key, nonce, flipped(aad, 3), sealed], // AAD
      [key, nonce, undefined, sealed], // AAD left out
      [key, flipped(nonce, 11), aad, sealed],
      [flipped(key, 0), nonce, aad, sealed],
      [key, nonce, aad, sealed.subarray(0, sealed.length - 1)], // truncated
      [key, nonce, aad, sealed.subarray(0, 15)], // shorter than a tag
    ]
    for (const [k, n, a, c] of forgeries)
      await expect(aead.decryptAead(k, n, a, c)).rejects.toThrow(CryptoError)
  })
})
