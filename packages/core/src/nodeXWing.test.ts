import { XWing } from "@hpke/hybridkem-x-wing"
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"
import { getCiphersuiteFromName, nobleCryptoProvider, type CiphersuiteName } from "ts-mls"
import { CryptoError } from "ts-mls/mlsError.js"
import { describe, expect, it } from "vitest"
import { nodeX25519, nodeX25519Crypto } from "./nodeX25519"
import { hpkeWithKem, XWingWithX25519 } from "./nodeXWing"
import { xWingVectors } from "./nodeXWing.vectors"

const kems = {
  "the library's X-Wing (pure-JS X25519)": new XWing(),
  "X-Wing with node:crypto X25519": new XWingWithX25519(nodeX25519(nodeX25519Crypto()!)),
}
const [library, native] = Object.values(kems) as [XWing, XWing]

const hex = (buffer: ArrayBuffer) => bytesToHex(new Uint8Array(buffer))
const random = (length: number) => crypto.getRandomValues(new Uint8Array(length)).buffer

/** A key pair from random input keying material, as MLS derives node keys (HPKE DeriveKeyPair). */
async function keyPair(kem: XWing, ikm: ArrayBuffer) {
  return kem.deriveKeyPair(ikm)
}

/** The outcome of decapsulating, failures included, for comparing two implementations. */
async function decapsulated(kem: XWing, enc: ArrayBuffer, recipientKey: CryptoKey): Promise<string> {
  try {
    return hex(await kem.decap({ enc, recipientKey }))
  } catch (e) {
    return `refused: ${(e as Error).name}`
  }
}

describe("X-Wing with native X25519", () => {
  for (const [name, kem] of Object.entries(kems))
    it(`${name}: reproduces the draft's test vectors (key pair from seed, encapsulation, decapsulation)`, async () => {
      for (const v of xWingVectors) {
        const { privateKey, publicKey } = await kem.generateKeyPairDerand(hexToBytes(v.seed))
        expect(hex(await kem.serializePublicKey(publicKey))).toBe(v.pk)
        const { enc, sharedSecret } = await kem.encap({
          recipientPublicKey: publicKey,
          ekm: hexToBytes(v.eseed).buffer,
        })
        expect(hex(enc)).toBe(v.ct)
        expect(hex(sharedSecret)).toBe(v.ss)
        expect(hex(await kem.decap({ enc: hexToBytes(v.ct).buffer, recipientKey: privateKey }))).toBe(v.ss)
      }
    })

  it("derives the same key pairs as the library's, and each decapsulates what the other encapsulates", async () => {
    for (let i = 0; i < 10; i++) {
      const ikm = random(32)
      const ours = await keyPair(native, ikm)
      const theirs = await keyPair(library, ikm)
      expect(hex(await native.serializePublicKey(ours.publicKey))).toBe(
        hex(await library.serializePublicKey(theirs.publicKey)),
      )
      expect(hex(await native.serializePrivateKey(ours.privateKey))).toBe(
        hex(await library.serializePrivateKey(theirs.privateKey)),
      )
      for (const [sender, recipient, key] of [
        [native, library, theirs],
        [library, native, ours],
      ] as const) {
        const { enc, sharedSecret } = await sender.encap({ recipientPublicKey: key.publicKey })
        expect(hex(await recipient.decap({ enc, recipientKey: key.privateKey }))).toBe(hex(sharedSecret))
      }
    }
  })

  it("handles a tampered ciphertext as the library does: ML-KEM's implicit rejection, X25519's refusal of a low-order point", async () => {
    const { privateKey, publicKey } = await keyPair(library, random(32))
    const { enc, sharedSecret } = await library.encap({ recipientPublicKey: publicKey })
    const tampered = (change: (ct: Uint8Array) => void) => {
      const ct = new Uint8Array(enc.slice(0))
      change(ct)
      return ct.buffer
    }
    const cases = {
      // ML-KEM's part: decapsulation succeeds with an unrelated secret (implicit rejection).
      "ML-KEM byte": tampered((ct) => (ct[100]! ^= 1)),
      // X25519's part: another point, another secret.
      "X25519 byte": tampered((ct) => (ct[1100]! ^= 1)),
      // X25519's part set to a point of small order: both refuse.
      "X25519 low-order point": tampered((ct) => ct.fill(0, 1088)),
    }
    const outcomes: Record<string, string> = {}
    for (const [change, ct] of Object.entries(cases)) {
      const theirs = await decapsulated(library, ct, privateKey)
      expect(await decapsulated(native, ct, privateKey)).toBe(theirs)
      expect(theirs).not.toBe(hex(sharedSecret))
      outcomes[change] = theirs
    }
    expect(outcomes["ML-KEM byte"]).toMatch(/^[0-9a-f]{64}$/)
    expect(outcomes["X25519 byte"]).toMatch(/^[0-9a-f]{64}$/)
    expect(outcomes["X25519 low-order point"]).toBe("refused: DecapError")
  })

  it("seals and opens as ts-mls' own HPKE does, in both directions, and refuses a tampered message with the same error", async () => {
    const algorithm = getCiphersuiteFromName(
      "MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519" as CiphersuiteName,
    )
    const theirs = (await nobleCryptoProvider.getCiphersuiteImpl(algorithm)).hpke
    const ours = await hpkeWithKem(algorithm.hpke, kems["X-Wing with node:crypto X25519"])
    const info = new TextEncoder().encode("kith test")
    const plaintext = crypto.getRandomValues(new Uint8Array(64))
    for (const [sender, recipient] of [
      [ours, theirs],
      [theirs, ours],
    ] as const) {
      const ikm = crypto.getRandomValues(new Uint8Array(32))
      const keys = await recipient.deriveKeyPair(ikm)
      expect(bytesToHex(await sender.exportPublicKey(keys.publicKey))).toBe(
        bytesToHex(await recipient.exportPublicKey((await sender.deriveKeyPair(ikm)).publicKey)),
      )
      const { ct, enc } = await sender.seal(keys.publicKey, plaintext, info)
      expect(bytesToHex(await recipient.open(keys.privateKey, enc, ct, info))).toBe(bytesToHex(plaintext))
      enc[5]! ^= 1
      await expect(recipient.open(keys.privateKey, enc, ct, info)).rejects.toBeInstanceOf(CryptoError)
    }
  })
})
