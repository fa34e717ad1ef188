import { ErrorCode, fromBase64Url, KithError } from "@kith/protocol"

/**
 * Decodes a base64url field the schema already shaped (alphabet, length
 * range), insisting on canonical encoding and, if given, an exact size.
 */
export function bytesField(text: string, field: string, exactLength?: number): Uint8Array {
  const bytes = fromBase64Url(text)
  if (bytes === undefined) throw new KithError(ErrorCode.BadRequest, `${field} is not canonical base64url`)
  if (exactLength !== undefined && bytes.length !== exactLength) {
    throw new KithError(ErrorCode.BadRequest, `${field} must be ${exactLength} bytes`)
  }
  return bytes
}
