import { ed25519 } from "@noble/curves/ed25519.js"
import type { Signature } from "ts-mls"
import { byteString } from "./byteString"
import { nodeCrypto, type NodeCrypto, type NodeKeyObject } from "./nodeCrypto"

/**
 * Ed25519 for MLS signatures, natively where the platform has it and on
 * @noble/curves where it does not. On Node, node:crypto signs and verifies
 * synchronously (nodeCrypto.ts); in browsers WebCrypto has Ed25519 (Chromium
 * 137+, Firefox 129+, Safari 17). Both run in native code, but importing a
 * key is costly (it parses PKCS#8 or a point): imported keys are kept, keyed
 * by their bytes, because the same few keys sign and verify every message of
 * a conversation.
 */

/** How many imported keys each cache keeps: a 2,000-device group's leaves, and then some. */
const CACHE_SIZE = 4096

/** Insertion-ordered map that forgets its oldest entry once full (a key used again moves to the end). */
class KeyCache<Key> {
  private readonly keys = new Map<string, Key>()
  get(id: string): Key | undefined {
    const key = this.keys.get(id)
    if (key) {
      this.keys.delete(id)
      this.keys.set(id, key)
    }
    return key
  }
  set(id: string, key: Key): void {
    if (this.keys.size >= CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!)
    this.keys.set(id, key)
  }
}

/** A kept key is found by its exact bytes. */
const idOf = byteString()

/** RFC 8410 PKCS#8 wrapping of a 32-byte Ed25519 seed: the only private-key form WebCrypto imports. */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
])

function seedOf(signKey: Uint8Array): Uint8Array {
  if (signKey.length === 32) return signKey
  // ts-mls' own keygen on WebCrypto returns PKCS#8; accept it too.
  if (signKey.length === PKCS8_PREFIX.length + 32) return signKey.subarray(PKCS8_PREFIX.length)
  throw new Error("an Ed25519 signing key must be a 32-byte seed or its PKCS#8 form")
}

/** RFC 8410 SubjectPublicKeyInfo wrapping of a 32-byte Ed25519 public key. */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

function wrapped(prefix: Uint8Array, key: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(prefix.length + key.length)
  out.set(prefix)
  out.set(key, prefix.length)
  return out
}

const pkcs8 = (seed: Uint8Array) => wrapped(PKCS8_PREFIX, seed)

const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes)

/** Pure JavaScript, for platforms without WebCrypto Ed25519. */
export const nobleEd25519: Signature = {
  async sign(signKey, message) {
    return ed25519.sign(message, seedOf(signKey))
  },
  async verify(publicKey, message, signature) {
    try {
      return ed25519.verify(signature, message, publicKey)
    } catch {
      return false
    }
  },
  async keygen() {
    const signKey = ed25519.utils.randomSecretKey()
    return { signKey, publicKey: ed25519.getPublicKey(signKey) }
  },
}

/** WebCrypto Ed25519 with imported keys kept. Throws if the platform cannot sign with Ed25519. */
export function webCryptoEd25519(subtle: SubtleCrypto): Signature {
  const signing = new KeyCache<CryptoKey>()
  const verifying = new KeyCache<CryptoKey>()
  const signingKey = async (signKey: Uint8Array): Promise<CryptoKey> => {
    const seed = seedOf(signKey)
    const id = idOf(seed)
    let key = signing.get(id)
    if (!key) {
      key = await subtle.importKey("pkcs8", pkcs8(seed), "Ed25519", false, ["sign"])
      signing.set(id, key)
    }
    return key
  }
  const verifyingKey = async (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = idOf(publicKey)
    let key = verifying.get(id)
    if (!key) {
      key = await subtle.importKey("raw", copy(publicKey), "Ed25519", false, ["verify"])
      verifying.set(id, key)
    }
    return key
  }
  return {
    async sign(signKey, message) {
      return new Uint8Array(await subtle.sign("Ed25519", await signingKey(signKey), copy(message)))
    },
    async verify(publicKey, message, signature) {
      // A malformed key or signature is a failed verification, as in the pure-JS path.
      if (publicKey.length !== 32 || signature.length !== 64) return false
      try {
        return await subtle.verify("Ed25519", await verifyingKey(publicKey), copy(signature), copy(message))
      } catch {
        return false
      }
    },
    async keygen() {
      const signKey = ed25519.utils.randomSecretKey()
      return { signKey, publicKey: ed25519.getPublicKey(signKey) }
    },
  }
}

/**
 * Node's own Ed25519 (OpenSSL, as behind Node's WebCrypto) called
 * synchronously, with imported keys kept. WebCrypto would hand each
 * signature to a worker thread and settle a promise when it is done; the
 * round trip costs more than the signature.
 */
export function nodeEd25519(node: NodeCrypto): Signature {
  const signing = new KeyCache<NodeKeyObject>()
  const verifying = new KeyCache<NodeKeyObject>()
  const signingKey = (signKey: Uint8Array): NodeKeyObject => {
    const seed = seedOf(signKey)
    const id = idOf(seed)
    let key = signing.get(id)
    if (!key) {
      key = node.createPrivateKey({ key: pkcs8(seed), format: "der", type: "pkcs8" })
      signing.set(id, key)
    }
    return key
  }
  const verifyingKey = (publicKey: Uint8Array): NodeKeyObject => {
    const id = idOf(publicKey)
    let key = verifying.get(id)
    if (!key) {
      key = node.createPublicKey({ key: wrapped(SPKI_PREFIX, publicKey), format: "der", type: "spki" })
      verifying.set(id, key)
    }
    return key
  }
  return {
    async sign(signKey, message) {
      return new Uint8Array(node.sign(null, message, signingKey(signKey)))
    },
    async verify(publicKey, message, signature) {
      // A malformed key or signature is a failed verification, as in the pure-JS path.
      if (publicKey.length !== 32 || signature.length !== 64) return false
      try {
        return node.verify(null, message, verifyingKey(publicKey), signature)
      } catch {
        return false
      }
    },
    async keygen() {
      const signKey = ed25519.utils.randomSecretKey()
      return { signKey, publicKey: ed25519.getPublicKey(signKey) }
    },
  }
}

/** Whether an implementation signs as RFC 8032 says and verifies its own signature. */
async function signsCorrectly(candidate: Signature): Promise<boolean> {
  try {
    const seed = ed25519.utils.randomSecretKey()
    const probe = new TextEncoder().encode("kith ed25519 probe")
    const signature = await candidate.sign(seed, probe)
    const expected = ed25519.sign(probe, seed)
    if (signature.length !== 64 || !signature.every((b, i) => b === expected[i])) return false
    return await candidate.verify(ed25519.getPublicKey(seed), probe, signature)
  } catch {
    return false
  }
}

/**
 * Picks the fastest Ed25519 this platform has: Node's synchronous one, then
 * WebCrypto, then pure JS. A native one is used only after it has signed and
 * verified once with a throwaway key, matching the pure-JS result. Passing
 * null for a platform part leaves it out (as on a platform without it).
 */
export async function platformEd25519(
  platform: { node?: NodeCrypto | null; subtle?: SubtleCrypto | null } = {},
): Promise<{ signature: Signature; native: boolean; platform: "node:crypto" | "WebCrypto" | "pure JS" }> {
  const node = "node" in platform ? platform.node : nodeCrypto()
  const subtle = "subtle" in platform ? platform.subtle : globalThis.crypto?.subtle
  if (node) {
    const signature = nodeEd25519(node)
    if (await signsCorrectly(signature)) return { signature, native: true, platform: "node:crypto" }
  }
  if (subtle) {
    // An older WebCrypto without Ed25519 fails the probe.
    const signature = webCryptoEd25519(subtle)
    if (await signsCorrectly(signature)) return { signature, native: true, platform: "WebCrypto" }
  }
  return { signature: nobleEd25519, native: false, platform: "pure JS" }
}
