import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js"
import { describe, expect, it } from "vitest"
import { nobleKdf, nodeKdf } from "./hkdf"
import { nodeCrypto } from "./nodeCrypto"

const node = nodeCrypto()!
const range = (from: number, to: number) =>
  bytesToHex(Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i))

/** RFC 5869 appendix A, test cases 1–3 (HKDF-SHA256). */
const rfc5869 = [
  {
    ikm: "0b".repeat(22),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    prk: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
    okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
  },
  {
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    prk: "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
    okm:
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c" +
      "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71" +
      "cc30c58179ec3e87c14c01d5c1f3434f1d87",
  },
  {
    ikm: "0b".repeat(22),
    salt: "",
    info: "",
    prk: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
    okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
  },
]

/** The MLS working group's crypto-basics vector for cipher suite 5: the KDF parts, HKDF-SHA512 as in Kith's suite. */
const mlsSha512 = {
  deriveSecret: {
    label: "DeriveSecret",
    secret:
      "1cdabb996d9238bed1fc287457e587f629b0641d4f5229c22b3b456f76342bca74c512a089560940c32529b203288a0d9833c263fa65c697e2c7e27a8b1de508",
    out: "05daff5cba60076f326bf1f4e0b6debae2b2985f897dede6e63a47bb6bf1513505135cbf0e3cf2e337084966424c0c87659b000362b9c794cd03b266bdc68a48",
  },
  deriveTreeSecret: {
    label: "DeriveTreeSecret",
    generation: 2694881440,
    length: 64,
    secret:
      "73602e2c5229627e45a5902079b92aada93cd3d20429f23051f57c1a3ed7e42315a94416c2d2fcaa5630e638540ce0a4db3188df7dacf07fb8793bcadaa96493",
    out: "63796c6b505bf9de7cb66becd0abcfa7b240c5da83d111ac57a1936508741791ae86fddfe5d42ee04964416ed7a92563b55e9a3f4c6fbb3cca4d0647f873aca4",
  },
  expandWithLabel: {
    label: "ExpandWithLabel",
    length: 32,
    context:
      "538b60a6bac7802b0a51923521e62811461ec0827e94034f409d6181f96f3ff312861e15ac2584d909e58ec17c73ba12f511f9a4097ddaca25bc18824d1511b7",
    secret:
      "2b63ac3f45736045b679d61946d0d6ced888dce4f7cc483560df3c626d4d31521cbcbe9e5a8002124964b34e76ce5658d3c70c1a536b273f0af71c3cd70b710e",
    out: "cdce438fea561f808f6383ec3da5dcd1c58baa456368003e13afd6c3fb191b51",
  },
}

const kdfs = {
  "native HMAC": (algorithm: Parameters<typeof nobleKdf>[0]) => nodeKdf(node, algorithm),
  "pure JS": nobleKdf,
}

describe("HKDF, on native HMAC and in pure JS", () => {
  for (const [name, kdfFor] of Object.entries(kdfs)) {
    it(`${name}: RFC 5869 test cases 1–3, and each output's first bytes at shorter lengths`, async () => {
      const kdf = kdfFor("HKDF-SHA256")
      for (const v of rfc5869) {
        const prk = await kdf.extract(hexToBytes(v.salt), hexToBytes(v.ikm))
        expect(bytesToHex(prk)).toBe(v.prk)
        const length = v.okm.length / 2
        // Up to 32 bytes is one HMAC block (the native path's own); longer ones take more.
        for (const n of [length, 32, 31, 12, 1])
          expect(bytesToHex(await kdf.expand(prk, hexToBytes(v.info), n))).toBe(v.okm.slice(0, n * 2))
      }
    })

    it(`${name}: the MLS crypto-basics KDF vector for an HKDF-SHA512 suite`, async () => {
      const kdf = kdfFor("HKDF-SHA512")
      const { deriveSecret: d, deriveTreeSecret: t, expandWithLabel: e } = mlsSha512
      expect(bytesToHex(await deriveSecret(hexToBytes(d.secret), d.label, kdf))).toBe(d.out)
      expect(
        bytesToHex(await deriveTreeSecret(hexToBytes(t.secret), t.label, t.generation, t.length, kdf)),
      ).toBe(t.out)
      expect(
        bytesToHex(
          await expandWithLabel(hexToBytes(e.secret), e.label, hexToBytes(e.context), e.length, kdf),
        ),
      ).toBe(e.out)
    })
  }

  it("both give the same bytes for every hash, random inputs and lengths on both sides of one block", async () => {
    for (const algorithm of ["HKDF-SHA256", "HKDF-SHA384", "HKDF-SHA512"] as const) {
      const native = nodeKdf(node, algorithm)
      const pureJs = nobleKdf(algorithm)
      expect(native.size).toBe(pureJs.size)
      for (let i = 0; i < 30; i++) {
        const salt = crypto.getRandomValues(new Uint8Array(i % 3 ? native.size : 0))
        const ikm = crypto.getRandomValues(new Uint8Array(1 + i * 5))
        const prk = await native.extract(salt, ikm)
        expect(bytesToHex(prk)).toBe(bytesToHex(await pureJs.extract(salt, ikm)))
        const info = crypto.getRandomValues(new Uint8Array(i * 4))
        const length = 1 + ((i * 13) % (native.size * 2))
        expect(bytesToHex(await native.expand(prk, info, length))).toBe(
          bytesToHex(await pureJs.expand(prk, info, length)),
        )
      }
    }
  })

  it("native outputs are plain arrays of their own, not views into Node's buffers", async () => {
    const kdf = nodeKdf(node, "HKDF-SHA512")
    const prk = await kdf.extract(new Uint8Array(0), new Uint8Array(64))
    const okm = await kdf.expand(prk, new Uint8Array(3), 12)
    for (const out of [prk, okm]) {
      expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype)
      expect(out.byteOffset).toBe(0)
      expect(out.buffer.byteLength).toBe(out.length)
    }
  })
})
