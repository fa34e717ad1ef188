import { MLS_CIPHERSUITE } from "@kith/protocol"
import { ed25519 } from "@noble/curves/ed25519.js"
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js"
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultCryptoProvider,
  defaultLifetime,
  emptyPskIndex,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processMessage,
  processPrivateMessage,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type CryptoProvider,
} from "ts-mls"
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js"
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js"
import { describe, expect, it } from "vitest"
import { kithCryptoProvider, providerWith } from "./mlsCryptoProvider"
import { nobleEd25519, nodeEd25519, platformEd25519, webCryptoEd25519 } from "./nativeEd25519"
import { nodeCrypto } from "./nodeCrypto"

const node = nodeCrypto()!
const natives = { "node:crypto": nodeEd25519(node), WebCrypto: webCryptoEd25519(globalThis.crypto.subtle) }
const implementations = { ...natives, "pure JS": nobleEd25519 }

/** RFC 8032 section 7.1, tests 1–3 and SHA(abc). */
const rfc8032 = [
  {
    secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature:
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature:
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    public: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature:
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
]

/**
 * The MLS working group's crypto-basics vector for cipher suite 3 (Ed25519,
 * HKDF-SHA256): the suite of the published vectors closest to Kith's, using
 * the same signature and KDF code paths. Keys are TLS-encoded (length first).
 */
const mlsVector = {
  deriveSecret: {
    label: "DeriveSecret",
    out: "0c73ea9a78c55d60aa7e7754593f7fef44a1052a43067f82f363f01fdec37b3a",
    secret: "9dafd47e71e2133cb115f22d77931c70fd819db20710dd90abe8509f5da36c52",
  },
  deriveTreeSecret: {
    generation: 2694881440,
    label: "DeriveTreeSecret",
    length: 32,
    out: "a59537e982b032f55b8f00eb853ca1200cf7c1ff7ce2898da85ccaf0ac9c0d69",
    secret: "168b187171d90947aedac49980939b2dd71041e40350b046e540e0191cf99e0f",
  },
  expandWithLabel: {
    context: "e5da8bb590c7736fc27a1f634cb8ac2884ff242ad174fb715a3a261953522a8f",
    label: "ExpandWithLabel",
    length: 32,
    out: "7fbb9f71ba33733f875935644d430916eac8c20a3d358015ad536aad295d5a03",
    secret: "fca0057fbcbc257a219ca00eda7b932c19cd284666666d73da7d2e9ba0050b85",
  },
  signWithLabel: {
    content: "e310c8359a2858fb77e91ddab46e94d5dac71914a631c0f80a3efa495033d0f9",
    label: "SignWithLabel",
    priv: "204cc2127e86b88ef7799ce235fc1cbff6391a29b56df0ec0f27cd4007d953ae66",
    pub: "200060dd83fadcb2055773a74f4f1f0cc6ebffc47d5eadcb036a960495169da50f",
    signature:
      "27c24992dd39e24b7bbca1164b430f67d0508a96b0c59e153b27d68313d31b57226a6c939f2c8e80c58947d926167498514b4ba7ba6c8441418cef32b360700d",
  },
}

const suite = (name: CiphersuiteName, provider: CryptoProvider) =>
  getCiphersuiteImpl(getCiphersuiteFromName(name), provider)

describe("Ed25519, native and pure JS", () => {
  for (const [name, impl] of Object.entries(implementations)) {
    it(`${name}: signs and verifies the RFC 8032 vectors`, async () => {
      for (const v of rfc8032) {
        const signature = await impl.sign(hexToBytes(v.secret), hexToBytes(v.message))
        expect(bytesToHex(signature)).toBe(v.signature)
        expect(await impl.verify(hexToBytes(v.public), hexToBytes(v.message), signature)).toBe(true)
        signature[7]! ^= 1
        expect(await impl.verify(hexToBytes(v.public), hexToBytes(v.message), signature)).toBe(false)
      }
    })

    it(`${name}: refuses malformed keys and signatures instead of throwing`, async () => {
      const v = rfc8032[1]!
      const signature = hexToBytes(v.signature)
      expect(await impl.verify(new Uint8Array(31), hexToBytes(v.message), signature)).toBe(false)
      expect(await impl.verify(hexToBytes(v.public), hexToBytes(v.message), signature.subarray(1))).toBe(
        false,
      )
      // A public key that is not a point on the curve.
      const offCurve = hexToBytes("02" + "00".repeat(30) + "80")
      expect(await impl.verify(offCurve, hexToBytes(v.message), signature)).toBe(false)
    })
  }

  for (const [name, native] of Object.entries(natives)) {
    it(`${name} and pure JS give identical signatures and accept each other's, for random keys and messages`, async () => {
      for (let i = 0; i < 50; i++) {
        const seed = ed25519.utils.randomSecretKey()
        const publicKey = ed25519.getPublicKey(seed)
        const message = crypto.getRandomValues(new Uint8Array(i * 7))
        const a = await native.sign(seed, message)
        const b = await nobleEd25519.sign(seed, message)
        expect(bytesToHex(a)).toBe(bytesToHex(b))
        expect(await nobleEd25519.verify(publicKey, message, a)).toBe(true)
        expect(await native.verify(publicKey, message, b)).toBe(true)
      }
    })
  }

  it("signs with a PKCS#8 key the way it signs with its seed", async () => {
    const seed = hexToBytes(rfc8032[2]!.secret)
    const pkcs8 = new Uint8Array([...hexToBytes("302e020100300506032b657004220420"), ...seed])
    const message = hexToBytes(rfc8032[2]!.message)
    for (const impl of Object.values(implementations))
      expect(bytesToHex(await impl.sign(pkcs8, message))).toBe(rfc8032[2]!.signature)
  })

  it("picks node:crypto on Node, WebCrypto without it, and pure JS without either", async () => {
    expect(await platformEd25519()).toMatchObject({ native: true, platform: "node:crypto" })
    expect(await platformEd25519({ node: null })).toMatchObject({ native: true, platform: "WebCrypto" })
    // A platform without WebCrypto (or an old browser's without Ed25519, where the probe fails).
    const none = await platformEd25519({ node: null, subtle: null })
    expect(none).toMatchObject({ native: false, platform: "pure JS" })
    expect(none.signature).toBe(nobleEd25519)
  })
})

describe("the MLS crypto provider", () => {
  for (const [name, signature] of Object.entries(implementations))
    for (const kdf of ["native HMAC", "pure-JS HMAC"] as const)
      it(`${name}, ${kdf}: passes the MLS working group's crypto-basics vector (suite 3)`, async () => {
        const cs = await suite(
          "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
          providerWith(signature, false, kdf === "native HMAC" ? node : undefined),
        )
        const { deriveSecret: d, deriveTreeSecret: t, expandWithLabel: e, signWithLabel: s } = mlsVector
        expect(bytesToHex(await deriveSecret(hexToBytes(d.secret), d.label, cs.kdf))).toBe(d.out)
        expect(
          bytesToHex(await deriveTreeSecret(hexToBytes(t.secret), t.label, t.generation, t.length, cs.kdf)),
        ).toBe(t.out)
        expect(
          bytesToHex(
            await expandWithLabel(hexToBytes(e.secret), e.label, hexToBytes(e.context), e.length, cs.kdf),
          ),
        ).toBe(e.out)
        const priv = hexToBytes(s.priv).subarray(1)
        const pub = hexToBytes(s.pub).subarray(1)
        const signed = await signWithLabel(priv, s.label, hexToBytes(s.content), cs.signature)
        expect(bytesToHex(signed)).toBe(s.signature)
        expect(await verifyWithLabel(pub, s.label, hexToBytes(s.content), signed, cs.signature)).toBe(true)
      })

  const fallback = providerWith(nobleEd25519, false)
  const others = {
    "the library's default (WebCrypto)": defaultCryptoProvider,
    "the pure-JS fallback": fallback,
  }

  it("uses node:crypto for signatures, HKDF, encryption and X-Wing's X25519 on Node, and pure JS in the fallback", async () => {
    expect(await kithCryptoProvider()).toMatchObject({
      nativeSignatures: true,
      nativeSymmetric: true,
      nativeX25519: true,
    })
    expect(fallback).toMatchObject({ nativeSignatures: false, nativeSymmetric: false, nativeX25519: false })
  })

  it("members on the native path and on the pure-JS fallback take turns committing, each processing the others' update paths", async () => {
    const name = MLS_CIPHERSUITE as CiphersuiteName
    const nativeSuite = await suite(name, await kithCryptoProvider())
    const pureSuite = await suite(name, fallback)
    const members = [
      { who: "alice", cs: nativeSuite },
      { who: "bob", cs: pureSuite },
      { who: "carol", cs: nativeSuite },
      { who: "dave", cs: pureSuite },
    ]
    const packages = await Promise.all(
      members.map(({ who, cs }) =>
        generateKeyPackage(
          { credentialType: "basic", identity: new TextEncoder().encode(who) },
          defaultCapabilities(),
          defaultLifetime,
          [],
          cs,
        ),
      ),
    )
    const group = await createGroup(
      new Uint8Array(16),
      packages[0]!.publicPackage,
      packages[0]!.privatePackage,
      [],
      nativeSuite,
    )
    const adds = await createCommit(
      { state: group, cipherSuite: nativeSuite },
      {
        extraProposals: packages
          .slice(1)
          .map((p) => ({ proposalType: "add" as const, add: { keyPackage: p.publicPackage } })),
        ratchetTreeExtension: true,
      },
    )
    const states: ClientState[] = [adds.newState]
    for (let i = 1; i < members.length; i++)
      states.push(
        await joinGroup(
          adds.welcome!,
          packages[i]!.publicPackage,
          packages[i]!.privatePackage,
          emptyPskIndex,
          members[i]!.cs,
        ),
      )
    // Each commit carries an update path sealed to the others' node keys; every round changes them all.
    for (let round = 0; round < 2; round++)
      for (let committer = 0; committer < members.length; committer++) {
        const made = await createCommit({ state: states[committer]!, cipherSuite: members[committer]!.cs })
        if (made.commit.wireformat !== "mls_private_message") throw new Error("commits are sent encrypted")
        for (let i = 0; i < members.length; i++) {
          if (i === committer) continue
          const result = await processMessage(
            made.commit,
            states[i]!,
            emptyPskIndex,
            acceptAll,
            members[i]!.cs,
          )
          expect(result.kind).toBe("newState")
          states[i] = result.newState
        }
        states[committer] = made.newState
      }
    const epochSecrets = states.map((s) => bytesToHex(s.keySchedule.epochAuthenticator))
    expect(new Set(epochSecrets).size).toBe(1)
    expect(states[0]!.groupContext.epoch).toBe(9n)
  })

  for (const [other, provider] of Object.entries(others))
    it(`derives the same HKDF-SHA512 bytes as ${other}`, async () => {
      const name = MLS_CIPHERSUITE as CiphersuiteName
      const ours = (await suite(name, await kithCryptoProvider())).kdf
      const theirs = (await suite(name, provider)).kdf
      for (let i = 0; i < 20; i++) {
        // MLS salts are a previous secret (the hash's size) or empty; the library accepts only those.
        const salt = crypto.getRandomValues(new Uint8Array(i % 2 ? 64 : 0))
        const ikm = crypto.getRandomValues(new Uint8Array(64))
        const prk = await ours.extract(salt, ikm)
        expect(bytesToHex(prk)).toBe(bytesToHex(await theirs.extract(salt, ikm)))
        const info = crypto.getRandomValues(new Uint8Array(i * 3))
        expect(bytesToHex(await ours.expand(prk, info, 16 + i * 9))).toBe(
          bytesToHex(await theirs.expand(prk, info, 16 + i * 9)),
        )
      }
      expect(ours.size).toBe(64)
    })

  for (const [other, provider] of Object.entries(others))
    it(`members on the native path and on ${other} share a group`, async () => {
      const name = MLS_CIPHERSUITE as CiphersuiteName
      const nativeSuite = await suite(name, await kithCryptoProvider())
      const defaultSuite = await suite(name, provider)
      const credential = (who: string) => ({
        credentialType: "basic" as const,
        identity: new TextEncoder().encode(who),
      })
      const keys = async (who: string, cs: CiphersuiteImpl) =>
        generateKeyPackage(credential(who), defaultCapabilities(), defaultLifetime, [], cs)
      const alice = await keys("alice", nativeSuite)
      const bob = await keys("bob", defaultSuite)
      const group = await createGroup(
        new Uint8Array(16),
        alice.publicPackage,
        alice.privatePackage,
        [],
        nativeSuite,
      )
      const commit = await createCommit(
        { state: group, cipherSuite: nativeSuite },
        {
          extraProposals: [{ proposalType: "add", add: { keyPackage: bob.publicPackage } }],
          ratchetTreeExtension: true,
        },
      )
      let bobState = await joinGroup(
        commit.welcome!,
        bob.publicPackage,
        bob.privatePackage,
        emptyPskIndex,
        defaultSuite,
      )
      let aliceState = commit.newState
      const text = new TextEncoder().encode("hello across implementations")
      for (let i = 0; i < 3; i++) {
        const sent = await createApplicationMessage(aliceState, text, nativeSuite)
        const received = await processPrivateMessage(
          bobState,
          sent.privateMessage,
          emptyPskIndex,
          defaultSuite,
        )
        expect(received.kind === "applicationMessage" && new TextDecoder().decode(received.message)).toBe(
          "hello across implementations",
        )
        const reply = await createApplicationMessage(received.newState, text, defaultSuite)
        const back = await processPrivateMessage(
          sent.newState,
          reply.privateMessage,
          emptyPskIndex,
          nativeSuite,
        )
        expect(back.kind).toBe("applicationMessage")
        aliceState = back.newState
        bobState = reply.newState
      }
    })
})
