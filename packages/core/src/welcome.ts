import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import type { Welcome } from "ts-mls"
import type { Batch } from "./batch"
import { newConversation } from "./conversation"
import type { Engine } from "./engine"
import { keyPackageKey, keyPackageOf, privatePackageOf, type KeyPackageRecord } from "./keyPackages"
import { topUpKeyPackages } from "./keyPackageSupply"
import { learnMembers } from "./membership"
import { groupIdOf, groupMembers, joinFromWelcome } from "./mlsGroup"
import { decodeRecord } from "./records"
import { FILL_MIN_DEVICES, selfUpdateAfterJoin, shouldFillPath } from "./selfUpdate"
import { treeForWelcome } from "./treeStorage"

/**
 * Joins a group from a Welcome: finds the key package it was made for, fetches
 * the ratchet tree if the Welcome leaves it out (a large group's), checks
 * every leaf's certificate (the authentication service refuses forged or
 * unpinned ones), and starts a conversation whose kind and name arrive with
 * the snapshot or friend request that follows in the same mailbox.
 */
export async function receiveWelcome(engine: Engine, batch: Batch, welcome: Welcome): Promise<void> {
  let record: KeyPackageRecord | undefined
  for (const secret of welcome.secrets) {
    const bytes = await engine.store.get(keyPackageKey(toBase64Url(secret.newMember)))
    if (bytes) {
      record = decodeRecord<KeyPackageRecord>(bytes)
      break
    }
  }
  if (!record) throw new KithError(ErrorCode.Decrypt, "a Welcome for a key package this device no longer has")
  const keyPackage = keyPackageOf(record)
  const privatePackage = privatePackageOf(record, engine.me())
  const tree = await treeForWelcome(engine, welcome, keyPackage, privatePackage)
  const state = await joinFromWelcome(welcome, keyPackage, privatePackage, engine.config, tree)
  const groupId = groupIdOf(state)
  await engine.groups.lock(groupId, async () => {
    if (await engine.groups.get(groupId))
      throw new KithError(ErrorCode.Decrypt, "a Welcome to a group this device is in")
    const previous = engine.conversations.get(groupId)
    const conversation = previous
      ? { ...previous, status: "active" as const, leaving: [] }
      : newConversation(groupId, { kind: "unknown", status: "active" }, engine.clock.now())
    learnMembers(engine, batch, groupMembers(state), groupId)
    engine.groups.set(batch, groupId, state)
    engine.conversations.set(batch, conversation)
    if (!record.lastResort) batch.delete(keyPackageKey(record.ref))
    batch.later(() => topUpKeyPackages(engine))
    if (groupMembers(state).length >= FILL_MIN_DEVICES && shouldFillPath(state))
      batch.later(selfUpdateAfterJoin(engine, groupId))
    await engine.apply(batch)
  })
}
