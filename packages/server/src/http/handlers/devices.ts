import {
  bytesEqual,
  concatBytes,
  ErrorCode,
  ID_BYTES,
  KithError,
  Limits,
  SignatureContext,
  toBase64Url,
  verifyChallenge,
  verifyDeviceCertificate,
} from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { takeSessionChallenge } from "./sessions"
import { removeDevice } from "../../accounts/removal"
import { dayOf } from "../../clock"

/** A device exists once the account key certified it; each device has its own mailbox. */
export function deviceHandlers(ctx: ServerContext): Pick<RouteHandlers, "addDevice" | "removeDevice"> {
  return {
    addDevice: async ({ body }) => {
      const encoded = bytesField(body.certificate, "certificate")
      const challenge = await takeSessionChallenge(ctx, body.challenge)
      const signature = bytesField(body.signature, "signature", 64)
      const { certificate } = verifyDeviceCertificate(encoded)
      const accountId = toBase64Url(certificate.accountId)
      const account = await ctx.store.accounts.get(accountId)
      if (account === undefined) throw new KithError(ErrorCode.NotFound, "no such account")
      if (!bytesEqual(account.publicKey, certificate.accountPublicKey)) {
        throw new KithError(ErrorCode.BadCertificate, "certificate names another account key")
      }
      const signed = concatBytes(challenge, encoded)
      if (!verifyChallenge(SignatureContext.addDevice, signed, signature, account.publicKey)) {
        throw new KithError(ErrorCode.BadSignature, "signature does not verify with the account key")
      }
      const deviceId = toBase64Url(certificate.deviceId)
      const result = await ctx.store.devices.add(
        {
          id: deviceId,
          accountId,
          publicKey: certificate.devicePublicKey,
          certificate: encoded,
          lastSeenDay: dayOf(ctx.clock()),
        },
        Limits.maxDevicesPerAccount,
      )
      switch (result) {
        case "created":
          return { deviceId }
        case "duplicateId":
          throw new KithError(ErrorCode.Conflict, "a device with this id exists")
        case "tooMany":
          throw new KithError(
            ErrorCode.Forbidden,
            `an account may have at most ${Limits.maxDevicesPerAccount} devices`,
          )
      }
    },

    removeDevice: async ({ params, session }) => {
      const deviceId = toBase64Url(bytesField(params.deviceId, "deviceId", ID_BYTES))
      const device = await ctx.store.devices.get(deviceId)
      // Another account's device answers exactly like a missing one.
      if (device === undefined || device.accountId !== session.accountId) {
        throw new KithError(ErrorCode.NotFound, "no such device in this account")
      }
      await removeDevice(ctx, deviceId)
      return undefined
    },
  }
}
