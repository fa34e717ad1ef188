import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, ID_BYTES, KithError } from "@kith/protocol"

/**
 * End-to-end content ([E*] in docs/protocol.md): what an MLS application
 * message carries. Decoding is the one door for decrypted bytes: anything
 * malformed becomes a KithError, never a half-read message.
 */
export type Content = pb.Content
export type ContentBody = Exclude<Content["body"], { case: undefined }>
export type MemberProfile = pb.MemberProfile

/** `expireAfterMs`: the disappearing-messages timer the sender applies to this message (0: kept). */
export function encodeContent(
  messageId: Uint8Array,
  sentAtMs: number,
  body: ContentBody,
  expireAfterMs = 0,
): Uint8Array {
  return toBinary(
    pb.ContentSchema,
    create(pb.ContentSchema, {
      messageId,
      sentAtMs: BigInt(sentAtMs),
      body,
      expireAfterMs: BigInt(expireAfterMs),
    }),
  )
}

export function decodeContent(bytes: Uint8Array): Content & { body: ContentBody } {
  let content: Content
  try {
    content = fromBinary(pb.ContentSchema, bytes)
  } catch (e) {
    throw new KithError(ErrorCode.Decrypt, `content does not decode: ${(e as Error).message}`)
  }
  if (content.messageId.length !== ID_BYTES)
    throw new KithError(ErrorCode.Decrypt, "content message id must be 16 bytes")
  if (content.body.case === undefined) throw new KithError(ErrorCode.Decrypt, "content of an unknown kind")
  return content as Content & { body: ContentBody }
}

export function memberProfile(fields: {
  accountId: Uint8Array
  accountPublicKey: Uint8Array
  deliveryToken: Uint8Array
  profileKey: Uint8Array
}): MemberProfile {
  return create(pb.MemberProfileSchema, fields)
}

/** A profile is usable only with a 16-byte id, a 32-byte key and 32-byte secrets. */
export function isWellFormedProfile(p: MemberProfile): boolean {
  return (
    p.accountId.length === ID_BYTES &&
    p.accountPublicKey.length === 32 &&
    p.deliveryToken.length === 32 &&
    p.profileKey.length === 32
  )
}

export function encodeProfile(displayName: string): Uint8Array {
  return toBinary(pb.ProfileSchema, create(pb.ProfileSchema, { displayName }))
}

export function decodeProfile(bytes: Uint8Array): pb.Profile {
  try {
    return fromBinary(pb.ProfileSchema, bytes)
  } catch {
    throw new KithError(ErrorCode.Decrypt, "profile does not decode")
  }
}
