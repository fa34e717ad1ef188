import { x25519 } from "@noble/curves/ed25519.js"
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"
import { describe, expect, it } from "vitest"
import { nodeX25519, nodeX25519Crypto, nodeX25519IfCorrect } from "./nodeX25519"

const node = nodeX25519Crypto()!
const native = nodeX25519(node)

/** RFC 7748 §5.2 (single multiplications) and §6.1 (Alice's and Bob's key agreement). */
const rfc7748 = [
  {
    scalar: "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    u: "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
    out: "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
  },
  {
    scalar: "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    u: "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
    out: "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
  },
  {
    scalar: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    u: "0900000000000000000000000000000000000000000000000000000000000000",
    out: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
  },
  {
    scalar: "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
    u: "0900000000000000000000000000000000000000000000000000000000000000",
    out: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
  },
  {
    scalar: "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    u: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
    out: "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
  },
]

/** Points of small order (and their non-canonical forms): the shared secret is zero, which both sides refuse. */
const lowOrder = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]

describe("X25519 on node:crypto", () => {
  it("computes the RFC 7748 vectors", async () => {
    for (const v of rfc7748) {
      expect(bytesToHex(await native.derive(hexToBytes(v.scalar), hexToBytes(v.u)))).toBe(v.out)
      expect(bytesToHex(x25519.getSharedSecret(hexToBytes(v.scalar), hexToBytes(v.u)))).toBe(v.out)
    }
  })

  it("agrees with @noble/curves for random scalars and u-coordinates, top bit set or not, and non-canonical ones", async () => {
    for (let i = 0; i < 200; i++) {
      const scalar = crypto.getRandomValues(new Uint8Array(32))
      const u = crypto.getRandomValues(new Uint8Array(32))
      if (i % 2) u[31]! |= 0x80
      // 2^255 - 19 + k for k = 2..17 (0 and 1 are of small order): reduced modulo p, as RFC 7748 §5 requires.
      if (i % 10 === 0) u.set([0xef + (i % 16), ...new Array<number>(30).fill(0xff), 0xff])
      expect(bytesToHex(await native.derive(scalar, u))).toBe(bytesToHex(x25519.getSharedSecret(scalar, u)))
    }
  })

  it("refuses low-order points, as the library's X25519 does", async () => {
    const scalar = crypto.getRandomValues(new Uint8Array(32))
    for (const u of lowOrder) {
      expect(() => x25519.getSharedSecret(scalar, hexToBytes(u))).toThrow()
      await expect(native.derive(scalar, hexToBytes(u))).rejects.toThrow()
    }
  })

  it("refuses keys that are not 32 bytes", async () => {
    const key = new Uint8Array(32).fill(9)
    await expect(native.derive(key.subarray(1), key)).rejects.toThrow()
    await expect(native.derive(key, new Uint8Array(33))).rejects.toThrow()
  })

  it("is used only after matching @noble/curves on the running Node", async () => {
    expect(await nodeX25519IfCorrect(node)).toBeDefined()
    // A platform whose X25519 answers wrongly is not used.
    const wrong = { ...node, diffieHellman: () => new Uint8Array(32).fill(1) }
    expect(await nodeX25519IfCorrect(wrong)).toBeUndefined()
  })
})
