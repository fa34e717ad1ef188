import { createHmac } from "node:crypto"
import { Limits } from "@kith/protocol"

const allowed = /^[a-z0-9_.]+$/

/**
 * The one form of a username the server compares: NFKC, lower case, then the
 * same rules as the schema (3–32 of a-z 0-9 _ .). undefined if it breaks them.
 */
export function normaliseUsername(input: string): string | undefined {
  const normalised = input.normalize("NFKC").toLowerCase().normalize("NFKC")
  const length = normalised.length
  if (length < Limits.usernameMinLength || length > Limits.usernameMaxLength) return undefined
  return allowed.test(normalised) ? normalised : undefined
}

/**
 * What the database keeps instead of the name: HMAC-SHA256 under a server
 * secret, so the table alone does not reveal names, and guessing them needs
 * the secret as well.
 */
export function usernameHash(key: Uint8Array, normalised: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(normalised, "utf8").digest())
}
