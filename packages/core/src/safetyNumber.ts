import { concatBytes, fromBase64Url, utf8 } from "@kith/protocol"
import { sha512 } from "@noble/hashes/sha2.js"

/**
 * A 60-digit number two people compare (or scan) to check that each holds the
 * other's real account key, after Signal's numeric fingerprints: each side's
 * half is 30 digits from an iterated SHA-512 over its account key and id, and
 * the halves are ordered so both people see the same number.
 */
const VERSION = new Uint8Array([0, 1])
const ITERATIONS = 5200

function half(accountPublicKey: Uint8Array, accountId: Uint8Array): string {
  let hash = sha512(concatBytes(VERSION, accountPublicKey, utf8.encode("kith-safety-number"), accountId))
  for (let i = 1; i < ITERATIONS; i++) hash = sha512(concatBytes(hash, accountPublicKey))
  let digits = ""
  for (let chunk = 0; chunk < 6; chunk++) {
    // Five bytes as a 40-bit number, reduced to five digits.
    let value = 0
    for (let i = 0; i < 5; i++) value = value * 256 + hash[chunk * 5 + i]!
    digits += String(value % 100_000).padStart(5, "0")
  }
  return digits
}

export interface SafetyParty {
  accountId: string
  accountPublicKey: Uint8Array
}

export function safetyNumber(a: SafetyParty, b: SafetyParty): string {
  const halves = [a, b].map((p) =>
    half(p.accountPublicKey, fromBase64Url(p.accountId) ?? utf8.encode(p.accountId)),
  )
  halves.sort()
  return halves.join("")
}

/** Groups of five digits, as people read them aloud. */
export function formatSafetyNumber(digits: string): string {
  return digits.match(/.{1,5}/g)!.join(" ")
}
