import { fromBase64Url, utf8 } from "@kith/protocol"

/**
 * Engine records are stored as JSON with bytes written as base64url, so the
 * stored data stays readable when debugging and identical across stores.
 */
export function encodeRecord(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value))
}

export function decodeRecord<T>(bytes: Uint8Array): T {
  return JSON.parse(utf8.decode(bytes)) as T
}

/** Decodes base64url that the engine itself wrote; anything else is a bug, not bad input. */
export function b64(text: string): Uint8Array {
  const bytes = fromBase64Url(text)
  if (bytes === undefined) throw new Error(`not base64url: ${text.slice(0, 16)}`)
  return bytes
}
