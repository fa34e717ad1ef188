import type { Batch } from "./batch"
import { newContact } from "./contacts"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { groupMembers, ownLeafIndex, type GroupState, type Member } from "./mlsGroup"

/** Devices that joined and left between two states of a group, by account. */
export interface MembershipChange {
  added: Map<string, Member[]>
  removed: Map<string, Member[]>
}

export function diffMembers(before: Member[], after: Member[]): MembershipChange {
  const beforeIds = new Set(before.map((m) => m.deviceId))
  const afterIds = new Set(after.map((m) => m.deviceId))
  const byAccount = (members: Member[]) => {
    const map = new Map<string, Member[]>()
    for (const m of members) map.set(m.accountId, [...(map.get(m.accountId) ?? []), m])
    return map
  }
  return {
    added: byAccount(after.filter((m) => !beforeIds.has(m.deviceId))),
    removed: byAccount(before.filter((m) => !afterIds.has(m.deviceId))),
  }
}

/**
 * Learns the accounts and devices of a group: pins the account key of every
 * account seen for the first time ([C3], trust on first use) and warns about
 * every new device of an account whose devices were already known (T9: no
 * ghost devices) — once per device, not once per conversation.
 */
export function learnMembers(engine: Engine, batch: Batch, members: Member[], conversationId: string): void {
  const me = engine.myAccountId
  const meta = engine.metaIn(batch)
  // Registration, restore and linking record the devices the account had then; later ones are news.
  const known = new Set(meta.ownDevices ?? [])
  const warnOwn = meta.ownDevices !== undefined
  let ownChanged = false
  for (const m of members) {
    if (m.accountId === me) {
      if (known.has(m.deviceId)) continue
      known.add(m.deviceId)
      ownChanged = true
      if (warnOwn) {
        batch.emit({ type: "device-added", accountId: me, deviceId: m.deviceId, own: true, conversationId })
      }
      continue
    }
    const existing = engine.contacts.get(m.accountId, batch)
    if (existing?.devices.includes(m.deviceId)) continue
    engine.contacts.update(batch, m.accountId, (c) => {
      if (!c) return { ...newContact(m.accountId, m.accountPublicKey), devices: [m.deviceId] }
      return c.devices.includes(m.deviceId) ? undefined : { ...c, devices: [...c.devices, m.deviceId] }
    })
    if (existing && existing.devices.length > 0)
      batch.emit({
        type: "device-added",
        accountId: m.accountId,
        deviceId: m.deviceId,
        own: false,
        conversationId,
      })
  }
  if (ownChanged) {
    engine.updateMeta(batch, (current) => ({
      ...current,
      ownDevices: [...new Set([...(current.ownDevices ?? []), ...known])],
    }))
  }
}

/**
 * What a membership change means for the conversation record, the same
 * whether this device committed it or received it: events per account, pins
 * and device warnings for the new leaves, leavers that are gone, and a direct
 * request whose recipient left (declined).
 */
export function applyMembershipChange(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  before: Member[],
  after: Member[],
): void {
  learnMembers(engine, batch, after, conversation.id)
  const change = diffMembers(before, after)
  for (const [accountId, devices] of change.added) {
    batch.emit({
      type: "member-added",
      conversationId: conversation.id,
      accountId,
      deviceIds: devices.map((d) => d.deviceId),
    })
  }
  for (const [accountId, devices] of change.removed) {
    batch.emit({
      type: "member-removed",
      conversationId: conversation.id,
      accountId,
      deviceIds: devices.map((d) => d.deviceId),
    })
  }
  const present = new Set(after.map((m) => m.accountId))
  conversation.leaving = conversation.leaving.filter((a) => present.has(a))
  if (conversation.kind === "direct" && conversation.peer && !present.has(conversation.peer)) {
    if (conversation.status === "outgoing-request") conversation.status = "declined"
  }
}

/**
 * Who commits the removal of members that asked to leave: the lowest leaf
 * that is not leaving. Only that device acts at once, so a large group does
 * not race; any later commit by anyone folds the removals in as well.
 */
export function isDesignatedCommitter(state: GroupState, conversation: ConversationRecord): boolean {
  if (conversation.leaving.length === 0) return false
  const leaving = new Set(conversation.leaving)
  const staying = groupMembers(state).filter((m) => !leaving.has(m.accountId))
  const first = staying.reduce<Member | undefined>(
    (lowest, m) => (!lowest || m.leafIndex < lowest.leafIndex ? m : lowest),
    undefined,
  )
  return first?.leafIndex === ownLeafIndex(state)
}
