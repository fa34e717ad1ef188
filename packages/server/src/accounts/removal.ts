import type { ServerContext } from "../context"

/**
 * Removing a device or an account is more than deleting rows: its sessions
 * end and its live connection is dropped (through the bus, so the node that
 * holds the socket hears it), all before the caller gets its answer.
 */
export async function removeDevice(ctx: ServerContext, deviceId: string): Promise<void> {
  await ctx.store.devices.remove(deviceId)
  await ctx.sessions.endDevices([deviceId])
  await ctx.bus.publish([deviceId], "gone")
}

export async function deleteAccount(ctx: ServerContext, accountId: string): Promise<void> {
  const deviceIds = await ctx.store.accounts.delete(accountId)
  await ctx.sessions.endDevices(deviceIds)
  await ctx.provisioning.dropOwner(accountId)
  await ctx.blobs.deleteAllOf(accountId)
  await ctx.bus.publish(deviceIds, "gone")
}
