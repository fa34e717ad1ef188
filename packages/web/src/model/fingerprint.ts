import { fromBase64Url, utf8 } from "@kith/protocol"

/**
 * A device key's fingerprint as people compare it: the first 16 bytes of its
 * SHA-256, in groups of four hex digits.
 */
export async function deviceFingerprint(key: string | Uint8Array): Promise<string> {
  const bytes = typeof key === "string" ? (fromBase64Url(key) ?? utf8.encode(key)) : key
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource))
  const hex = Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")
  return hex.match(/.{4}/g)!.join(" ")
}
