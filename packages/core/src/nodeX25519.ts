import { x25519 } from "@noble/curves/ed25519.js"
import { bytesEqual, toBase64Url } from "@kith/protocol"
import { nodeCrypto, type NodeKeyObject } from "./nodeCrypto"

/**
 * X25519 (RFC 7748) on Node's native crypto, for the X25519 half of X-Wing
 * (nodeXWing.ts). The library's X25519 is a BigInt Montgomery ladder in
 * JavaScript: 2.7 ms a call, against well under 0.1 ms natively, and a
 * large group's commit needs a dozen or more.
 */
export interface X25519Derive {
  /** The shared secret of a 32-byte secret scalar and a 32-byte u-coordinate; throws for an all-zero result. */
  derive(secretKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>
}

/** The members of node:crypto that X25519 uses (nodeCrypto.ts lists the provider's others). */
export interface NodeX25519Crypto {
  createPrivateKey(key: { key: OkpJwk; format: "jwk" }): NodeKeyObject
  createPublicKey(key: { key: OkpJwk; format: "jwk" }): NodeKeyObject
  diffieHellman(keys: { privateKey: NodeKeyObject; publicKey: NodeKeyObject }): Uint8Array
}

/** An RFC 8037 X25519 key as JSON: base64url coordinates, `d` for a private key. */
interface OkpJwk {
  kty: "OKP"
  crv: "X25519"
  x: string
  d?: string
}

/** node:crypto's X25519 on Node, undefined elsewhere; found as nodeCrypto.ts finds the module. */
export function nodeX25519Crypto(): NodeX25519Crypto | undefined {
  return nodeCrypto() as unknown as NodeX25519Crypto | undefined
}

/**
 * Keys are imported as JWK: OpenSSL decodes a PKCS#8 or SPKI wrapping
 * through its generic decoders (0.38 ms for a private key, 0.08 ms for a
 * public one), while Node builds a JWK key straight from its raw bytes
 * (0.04 ms and 0.01 ms). Node's parser requires a private key's public
 * coordinate `x` to be present but derives the key from `d` alone, so `x`
 * carries a placeholder here; nodeX25519IfCorrect checks that this still
 * holds on the running Node before Kith relies on it.
 */
const PLACEHOLDER_X = "A".repeat(43)

export function nodeX25519(node: NodeX25519Crypto): X25519Derive {
  return {
    async derive(secretKey, publicKey) {
      if (secretKey.length !== 32 || publicKey.length !== 32) throw new Error("X25519 keys are 32 bytes")
      const secret: OkpJwk = { kty: "OKP", crv: "X25519", x: PLACEHOLDER_X, d: toBase64Url(secretKey) }
      const privateKey = node.createPrivateKey({ key: secret, format: "jwk" })
      const peer = node.createPublicKey({
        key: { kty: "OKP", crv: "X25519", x: toBase64Url(publicKey) },
        format: "jwk",
      })
      // OpenSSL refuses an all-zero shared secret (a low-order point), as the library's X25519 does.
      return new Uint8Array(node.diffieHellman({ privateKey, publicKey: peer }))
    },
  }
}

/**
 * Node's X25519 if it agrees with @noble/curves on a throwaway key pair and
 * a random peer value (its top bit set, which both must ignore), else
 * undefined: Kith then keeps the library's pure-JS X25519.
 */
export async function nodeX25519IfCorrect(node: NodeX25519Crypto): Promise<X25519Derive | undefined> {
  try {
    const candidate = nodeX25519(node)
    const secretKey = x25519.utils.randomSecretKey()
    const peer = crypto.getRandomValues(new Uint8Array(32))
    peer[31]! |= 0x80
    const expected = [x25519.getPublicKey(secretKey), x25519.getSharedSecret(secretKey, peer)]
    const actual = [
      await candidate.derive(secretKey, x25519.GuBytes),
      await candidate.derive(secretKey, peer),
    ]
    return actual.every((bytes, i) => bytesEqual(bytes, expected[i]!)) ? candidate : undefined
  } catch {
    return undefined
  }
}
