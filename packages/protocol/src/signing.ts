import { ed25519 } from "@noble/curves/ed25519.js"
import { concatBytes, utf8 } from "./bytes"

/**
 * Every signature Kith asks for is over a fixed context label followed by the
 * challenge, so a signature made for one purpose cannot be replayed for another.
 */
export const SignatureContext = {
  register: "kith-register-v1",
  session: "kith-session-v1",
  addDevice: "kith-add-device-v1",
} as const

export type SignatureContext = (typeof SignatureContext)[keyof typeof SignatureContext]

export function signChallenge(
  context: SignatureContext,
  challenge: Uint8Array,
  privateKey: Uint8Array,
): Uint8Array {
  return ed25519.sign(concatBytes(utf8.encode(context), challenge), privateKey)
}

export function verifyChallenge(
  context: SignatureContext,
  challenge: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return ed25519.verify(signature, concatBytes(utf8.encode(context), challenge), publicKey)
  } catch {
    return false
  }
}
