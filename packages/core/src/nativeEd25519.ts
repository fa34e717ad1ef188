import { ed25519 } from "@noble/curves/ed25519.js"
import type { Signature } from "ts-mls"

/**
 * Ed25519 for MLS signatures, on the platform's WebCrypto when it has Ed25519
 * (Node 20, Chromium 137+, Firefox 129+, Safari 17) and on @noble/curves when
 * it does not. WebCrypto signs in native code, but importing a key is costly
 * (it parses PKCS#8 or a point): imported keys are kept, keyed by their bytes,
 * because the same few keys sign and verify every message of a conversation.
 */

/** How many imported keys each cache keeps: a 2,000-device group's leaves, and then some. */
const CACHE_SIZE = 4096

/** Insertion-ordered map that forgets its oldest entry once full (a key used again moves to the end). */
class KeyCache {
  private readonly keys = new Map<string, CryptoKey>()
  get(id: string): CryptoKey | undefined {
    const key = this.keys.get(id)
    if (key) {
      this.keys.delete(id)
      this.keys.set(id, key)
    }
    return key
  }
  set(id: string, key: CryptoKey): void {
    if (this.keys.size >= CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!)
    this.keys.set(id, key)
  }
}

const hex = (bytes: Uint8Array): string => {
  let out = ""
  for (const b of bytes) out += b.toString(16).padStart(2, "0")
  return out
}

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

function pkcs8(seed: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(PKCS8_PREFIX.length + 32)
  out.set(PKCS8_PREFIX)
  out.set(seed, PKCS8_PREFIX.length)
  return out
}

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
  const signing = new KeyCache()
  const verifying = new KeyCache()
  const signingKey = async (signKey: Uint8Array): Promise<CryptoKey> => {
    const seed = seedOf(signKey)
    const id = hex(seed)
    let key = signing.get(id)
    if (!key) {
      key = await subtle.importKey("pkcs8", pkcs8(seed), "Ed25519", false, ["sign"])
      signing.set(id, key)
    }
    return key
  }
  const verifyingKey = async (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = hex(publicKey)
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
 * Feature-detects WebCrypto Ed25519 by signing and verifying once with a
 * throwaway key (checking the result against the pure-JS path), and falls
 * back to the pure-JS implementation when anything about it fails.
 */
export async function platformEd25519(
  subtle: SubtleCrypto | null | undefined = globalThis.crypto?.subtle,
): Promise<{ signature: Signature; native: boolean }> {
  if (subtle) {
    try {
      const native = webCryptoEd25519(subtle)
      const seed = ed25519.utils.randomSecretKey()
      const probe = new TextEncoder().encode("kith ed25519 probe")
      const signature = await native.sign(seed, probe)
      const expected = ed25519.sign(probe, seed)
      if (signature.length === 64 && signature.every((b, i) => b === expected[i])) {
        if (await native.verify(ed25519.getPublicKey(seed), probe, signature))
          return { signature: native, native: true }
      }
    } catch {
      // no Ed25519 in this WebCrypto: use the fallback below
    }
  }
  return { signature: nobleEd25519, native: false }
}
