import { sha256 } from "@noble/hashes/sha2.js"
import { concatBytes } from "./bytes"

/**
 * Registration costs work instead of personal data: find a nonce such that
 * SHA-256(challenge || nonce) starts with `difficulty` zero bits.
 */
export function leadingZeroBits(hash: Uint8Array): number {
  let bits = 0
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

export function checkProofOfWork(challenge: Uint8Array, nonce: Uint8Array, difficulty: number): boolean {
  return nonce.length <= 16 && leadingZeroBits(sha256(concatBytes(challenge, nonce))) >= difficulty
}

export function solveProofOfWork(challenge: Uint8Array, difficulty: number): Uint8Array {
  const nonce = new Uint8Array(8)
  const view = new DataView(nonce.buffer)
  for (let i = 0; ; i++) {
    view.setUint32(0, i % 0x1_0000_0000)
    view.setUint32(4, Math.floor(i / 0x1_0000_0000))
    if (checkProofOfWork(challenge, nonce, difficulty)) return nonce
  }
}
