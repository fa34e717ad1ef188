import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import { decodeProfile, encodeProfile } from "./contentCodec"
import type { Engine } from "./engine"
import { b64 } from "./records"
import { open, seal } from "./sealedBox"

const AAD = new TextEncoder().encode("kith-profile-v1")

/** [H6] The display name, encrypted under the profile key only friends and fellow members hold. */
export async function setDisplayName(engine: Engine, displayName: string): Promise<void> {
  const ciphertext = seal(engine.me().profileKey, encodeProfile(displayName), engine.random, AAD)
  await engine.api.call("putProfile", { body: { ciphertext: toBase64Url(ciphertext) } })
  const batch = new Batch()
  engine.updateMeta(batch, (meta) => ({ ...meta, displayName }))
  await engine.apply(batch)
}

/** Fetches and decrypts an account's profile; undefined when it has none or this device lacks its key. */
export async function profileOf(
  engine: Engine,
  accountId: string,
): Promise<{ displayName: string } | undefined> {
  const mine = accountId === engine.myAccountId
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
  const { displayName } = decodeProfile(open(key, b64(ciphertext), AAD))
  const batch = new Batch()
  if (mine) engine.updateMeta(batch, (meta) => ({ ...meta, displayName }))
  else {
    engine.contacts.update(batch, accountId, (c) =>
      c && c.displayName !== displayName ? { ...c, displayName } : undefined,
    )
  }
  await engine.apply(batch)
  return { displayName }
}
