import { ErrorCode, KithError, toBase64Url, verifyDeviceCertificate } from "@kith/protocol"
import { commitChange, removeLeaves } from "./commits"
import type { Engine } from "./engine"
import { groupMembers, isActive } from "./mlsGroup"
import { b64 } from "./records"
import type { DeviceView } from "./views"

/** This account's devices as the server lists them (each with a certificate the account key signed). */
export async function listDevices(engine: Engine): Promise<DeviceView[]> {
  const { devices } = await engine.api.call("getAccount", { params: { accountId: engine.myAccountId } })
  return devices.map((d) => {
    const { certificate } = verifyDeviceCertificate(b64(d.certificate))
    return {
      deviceId: d.deviceId,
      publicKey: toBase64Url(certificate.devicePublicKey),
      current: d.deviceId === engine.myDeviceId,
      issuedAtMs: Number(certificate.issuedAtMs),
    }
  })
}

/**
 * Unlinks another device of this account: the server deletes it and its
 * mailbox at once (it stops receiving), then its leaves leave every
 * conversation (so nothing later is encrypted to it).
 */
export async function removeDevice(engine: Engine, deviceId: string): Promise<void> {
  if (deviceId === engine.myDeviceId) {
    throw new KithError(
      ErrorCode.BadRequest,
      "a device cannot unlink itself; use another device or delete the account",
    )
  }
  await engine.api.call("removeDevice", { params: { deviceId } })
  for (const conversation of engine.conversations.all()) {
    const state = await engine.groups.get(conversation.id)
    if (!state || !isActive(state) || !groupMembers(state).some((m) => m.deviceId === deviceId)) continue
    await commitChange(engine, conversation.id, (current) => ({
      proposals: removeLeaves((m) => m.deviceId === deviceId)(current),
    }))
  }
}
