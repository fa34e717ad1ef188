import { randomBytes } from "node:crypto"
import { ID_BYTES, toBase64Url } from "@kith/protocol"

/** A fresh random identifier: 16 bytes, base64url — carries no meaning and no order. */
export function newId(): string {
  return toBase64Url(randomBytes(ID_BYTES))
}

/** Random bytes as a plain Uint8Array (tokens, challenges, keys). */
export function randomBytesArray(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length))
}
