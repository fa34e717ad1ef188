import { fromBase64Url } from "@kith/protocol"

/**
 * A device's fingerprint as people compare it: the first 16 bytes of the
 * SHA-256 of its public key (Ed25519, from its certificate), in groups of
 * four hex digits. The key, not the device id: two devices with the same id
 * but different keys must never look alike.
 */
export async function deviceFingerprint(publicKey: string | Uint8Array): Promise<string> {
  const bytes = typeof publicKey === "string" ? fromBase64Url(publicKey) : publicKey
  if (!bytes || bytes.length !== 32)
    throw new Error("a device fingerprint needs the device's 32-byte public key")
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource))
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")
  return hex.match(/.{4}/g)!.join(" ")
}
