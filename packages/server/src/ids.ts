import { randomBytes, randomFillSync } from "node:crypto"
import { ID_BYTES } from "@kith/protocol"

/** Random bytes for the next 256 ids, drawn at once: one system call instead of one per id (one per message). */
const idPool = Buffer.alloc(ID_BYTES * 256)
let idPoolOffset = idPool.length

/** A fresh random identifier: 16 bytes, base64url — carries no meaning and no order. */
export function newId(): string {
  if (idPoolOffset === idPool.length) {
    randomFillSync(idPool)
    idPoolOffset = 0
  }
  const id = idPool.toString("base64url", idPoolOffset, idPoolOffset + ID_BYTES)
  // Each id's bytes are used once.
  idPool.fill(0, idPoolOffset, idPoolOffset + ID_BYTES)
  idPoolOffset += ID_BYTES
  return id
}

/** Random bytes as a plain Uint8Array (tokens, challenges, keys). */
export function randomBytesArray(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length))
}
