import { ErrorCode, KithError, utf8 } from "@kith/protocol"
import { hkdf } from "@noble/hashes/hkdf.js"
import { sha512 } from "@noble/hashes/sha2.js"
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from "@scure/bip39"
import { wordlist } from "@scure/bip39/wordlists/english.js"
import type { RandomBytes } from "./runtime"

/**
 * The account key comes from a 24-word BIP-39 phrase (256 bits of entropy,
 * English wordlist). The Ed25519 seed is HKDF-SHA512 of the phrase's entropy
 * with a Kith-specific salt and info (docs/crypto.md): fast, and unlike
 * BIP-39's PBKDF2 seed, bound to Kith's purpose.
 */
const SALT = utf8.encode("kith-recovery-phrase-v1")
const INFO = utf8.encode("kith-account-key-ed25519")

export function newRecoveryPhrase(random: RandomBytes): string {
  return entropyToMnemonic(random(32), wordlist)
}

/** Lower-cases and collapses whitespace, so a phrase typed by hand still matches. */
export function normalizePhrase(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(" ")
}

export function accountSeedFromPhrase(phrase: string): Uint8Array {
  const normalized = normalizePhrase(phrase)
  if (normalized.split(" ").length !== 24 || !validateMnemonic(normalized, wordlist)) {
    throw new KithError(ErrorCode.BadRecoveryPhrase, "not a valid 24-word recovery phrase")
  }
  return hkdf(sha512, mnemonicToEntropy(normalized, wordlist), SALT, INFO, 32)
}
