import type { Batch } from "./batch"
import type { OutgoingDelivery } from "./delivery"
import type { Engine } from "./engine"
import { decodeRecord } from "./records"
import type { UnreachableDevices } from "./views"

/**
 * Devices a message of this device did not reach because the server skipped
 * their full mailbox ([D4]). Kept beside the message so its view can say so
 * after a restart too; the skipped devices find out from the gap themselves.
 */
export const unreachableKey = (conversationId: string, messageId: string) =>
  `unreachable/${conversationId}/${messageId}`

/** Records (for a message) and announces the devices the server skipped, grouped by account. */
export function recordUnreachable(
  batch: Batch,
  conversationId: string,
  messageId: string | undefined,
  deliveries: readonly OutgoingDelivery[],
  skippedDeviceIds: ReadonlySet<string>,
): void {
  const byAccount = new Map<string, Set<string>>()
  for (const d of deliveries) {
    for (const r of d.recipients) {
      if (!skippedDeviceIds.has(r.deviceId)) continue
      const devices = byAccount.get(r.accountId) ?? new Set<string>()
      devices.add(r.deviceId)
      byAccount.set(r.accountId, devices)
    }
  }
  const unreachable: UnreachableDevices[] = [...byAccount].map(([accountId, devices]) => ({
    accountId,
    deviceIds: [...devices],
  }))
  if (unreachable.length === 0) return
  if (messageId) batch.put(unreachableKey(conversationId, messageId), unreachable)
  batch.emit({
    type: "recipients-unreachable",
    conversationId,
    ...(messageId ? { messageId } : {}),
    unreachable,
  })
}

/** The unreachable devices of this device's messages in a conversation, by message id. */
export async function unreachableStates(
  engine: Engine,
  conversationId: string,
): Promise<Map<string, UnreachableDevices[]>> {
  const prefix = unreachableKey(conversationId, "")
  const states = new Map<string, UnreachableDevices[]>()
  for (const entry of await engine.store.list(prefix)) {
    states.set(entry.key.slice(prefix.length), decodeRecord<UnreachableDevices[]>(entry.value))
  }
  return states
}
