import { create, toBinary } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, KithError, Limits, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import { decodeProfile } from "./contentCodec"
import type { Engine } from "./engine"
import { isBlocked } from "./blocking"
import { b64 } from "./records"
import { open, seal } from "./sealedBox"

const AAD = new TextEncoder().encode("kith-profile-v1")

/** Profile pictures this device knows (its own and those it fetched), kept so lists show them offline. */
const avatarKey = (accountId: string) => `avatar/${accountId}`

export interface ProfileView {
  displayName: string
  /** A small square JPEG or WebP; absent when the account has no picture. */
  avatar?: Uint8Array
}

/** [H6] The profile (name and picture), encrypted under the profile key only friends and fellow members hold. */
async function publish(engine: Engine, profile: ProfileView): Promise<void> {
  const plaintext = toBinary(pb.ProfileSchema, create(pb.ProfileSchema, profile))
  const ciphertext = seal(engine.me().profileKey, plaintext, engine.random, AAD)
  await engine.api.call("putProfile", { body: { ciphertext: toBase64Url(ciphertext) } })
}

export async function setDisplayName(engine: Engine, displayName: string): Promise<void> {
  await publish(engine, { displayName, avatar: await cachedAvatar(engine, engine.myAccountId) })
  const batch = new Batch()
  engine.updateMeta(batch, (meta) => ({ ...meta, displayName }))
  await engine.apply(batch)
}

/**
 * Sets (or, with undefined, removes) this account's picture. The caller
 * encodes it again on the device (no camera metadata survives); the engine
 * only checks it is a JPEG or WebP of at most Limits.maxAvatarBytes.
 */
export async function setAvatar(engine: Engine, avatar: Uint8Array | undefined): Promise<void> {
  if (avatar && !isAvatar(avatar)) {
    throw new KithError(
      ErrorCode.TooLarge,
      `a profile picture must be a JPEG or WebP of at most ${Limits.maxAvatarBytes / 1024} KB`,
    )
  }
  await publish(engine, { displayName: engine.meta.displayName ?? "", avatar })
  const batch = new Batch()
  rememberAvatar(batch, engine.myAccountId, avatar)
  await engine.apply(batch)
}

/** The picture last seen for an account (this one included), from this device's store only. */
export async function cachedAvatar(engine: Engine, accountId: string): Promise<Uint8Array | undefined> {
  const stored = await engine.store.get(avatarKey(accountId))
  return stored && stored.length > 0 ? stored : undefined
}

function rememberAvatar(batch: Batch, accountId: string, avatar: Uint8Array | undefined): void {
  if (avatar) batch.putBytes(avatarKey(accountId), avatar)
  else batch.delete(avatarKey(accountId))
}

/** A picture small enough, and one the apps can show: JPEG (FF D8 FF) or WebP (RIFF….WEBP). */
export function isAvatar(bytes: Uint8Array): boolean {
  if (bytes.length === 0 || bytes.length > Limits.maxAvatarBytes) return false
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to))
  return jpeg || (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP")
}

/** Fetches and decrypts an account's profile; undefined when it has none or this device lacks its key. */
export async function profileOf(engine: Engine, accountId: string): Promise<ProfileView | undefined> {
  const mine = accountId === engine.myAccountId
  // A blocked account's profile (name, picture) is neither fetched nor updated.
  if (!mine && isBlocked(engine, accountId)) return undefined
  const contact = mine ? undefined : engine.contacts.get(accountId)
  const key = mine ? engine.me().profileKey : contact?.profileKey && b64(contact.profileKey)
  if (!key) return undefined
  let ciphertext: string
  try {
    ;({ ciphertext } = await engine.api.call("getProfile", { params: { accountId } }))
  } catch (e) {
    if (e instanceof KithError && e.code === ErrorCode.NotFound) return undefined
    throw e
  }
  const decoded = decodeProfile(open(key, b64(ciphertext), AAD))
  const displayName = decoded.displayName
  // A picture that is too large or not an image is ignored, never shown.
  const avatar = isAvatar(decoded.avatar) ? decoded.avatar : undefined
  const batch = new Batch()
  rememberAvatar(batch, accountId, avatar)
  if (mine) engine.updateMeta(batch, (meta) => ({ ...meta, displayName }))
  else {
    engine.contacts.update(batch, accountId, (c) =>
      c && c.displayName !== displayName ? { ...c, displayName } : undefined,
    )
  }
  await engine.apply(batch)
  return avatar ? { displayName, avatar } : { displayName }
}
