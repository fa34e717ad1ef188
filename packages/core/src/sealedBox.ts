import { concatBytes, ErrorCode, KithError } from "@kith/protocol"
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js"
import type { RandomBytes } from "./runtime"

/**
 * XChaCha20-Poly1305 with a random 24-byte nonce carried in front of the
 * ciphertext: how profiles and device-linking messages are encrypted outside
 * MLS. `aad` binds a ciphertext to its purpose.
 */
const NONCE_BYTES = 24

export function seal(
  key: Uint8Array,
  plaintext: Uint8Array,
  random: RandomBytes,
  aad?: Uint8Array,
): Uint8Array {
  const nonce = random(NONCE_BYTES)
  return concatBytes(nonce, xchacha20poly1305(key, nonce, aad).encrypt(plaintext))
}

export function open(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (sealed.length < NONCE_BYTES + 16) throw new KithError(ErrorCode.Decrypt, "ciphertext too short")
  try {
    return xchacha20poly1305(key, sealed.subarray(0, NONCE_BYTES), aad).decrypt(sealed.subarray(NONCE_BYTES))
  } catch {
    throw new KithError(ErrorCode.Decrypt, "ciphertext does not open with this key")
  }
}
