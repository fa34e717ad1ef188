import type { Hpke } from "ts-mls"
import { CryptoError } from "ts-mls/mlsError.js"
import type { NodeCrypto } from "./nodeCrypto"

const TAG_BYTES = 16

/**
 * ChaCha20-Poly1305 (RFC 8439) for MLS message protection — each message's
 * content and its sender data, sealed and opened — on Node's native cipher
 * instead of @noble/ciphers. Same bytes out (ciphertext, then the 16-byte
 * tag), same error as the library's (a CryptoError) when a tag does not
 * authenticate. The plaintext is returned only after the tag has been checked.
 */
export function nodeChaCha20Poly1305(node: NodeCrypto): Pick<Hpke, "encryptAead" | "decryptAead"> {
  return {
    async encryptAead(key, nonce, aad, plaintext) {
      const cipher = node.createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG_BYTES })
      if (aad) cipher.setAAD(aad)
      return joined(cipher.update(plaintext), cipher.final(), cipher.getAuthTag())
    },
    async decryptAead(key, nonce, aad, ciphertext) {
      try {
        if (ciphertext.length < TAG_BYTES) throw new Error("a ciphertext shorter than its tag")
        const sealed = ciphertext.length - TAG_BYTES
        const decipher = node.createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: TAG_BYTES })
        decipher.setAuthTag(ciphertext.subarray(sealed))
        if (aad) decipher.setAAD(aad)
        const body = decipher.update(ciphertext.subarray(0, sealed))
        return joined(body, decipher.final())
      } catch (e) {
        throw new CryptoError(`${e}`)
      }
    },
  }
}

/** One plain array of its own (Node returns Buffers, possibly views into a shared pool). */
function joined(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
