import { ErrorCode, ID_BYTES, KithError, toBase64Url } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"

export const PROVISIONING_TTL_MS = 10 * 60 * 1000
/** Linking a device is rare: a few slots an hour is plenty. */
const SLOTS_PER_HOUR = 30

/**
 * Device linking relays two ciphertexts between an existing device (the
 * slot's owner) and a new one that has no account yet. Ids that are not
 * there, not yet answered, or not the caller's all look the same: 404.
 */
export function provisioningHandlers(
  ctx: ServerContext,
): Pick<
  RouteHandlers,
  | "createProvisioning"
  | "putProvisioningRequest"
  | "getProvisioningRequest"
  | "putProvisioningResponse"
  | "getProvisioningResponse"
> {
  const slotId = (text: string) => toBase64Url(bytesField(text, "provisioningId", ID_BYTES))
  const notFound = () => new KithError(ErrorCode.NotFound, "no such provisioning slot, or nothing posted yet")
  const alreadySet = () => new KithError(ErrorCode.Conflict, "this slot already holds that message")

  return {
    createProvisioning: async ({ session }) => {
      const decision = await ctx.rateLimiter.take(
        `provisioning:${session.accountId}`,
        1,
        SLOTS_PER_HOUR,
        3_600_000,
      )
      if (!decision.allowed) {
        throw new KithError(ErrorCode.RateLimited, "too many device-linking slots", {
          retryAfterMs: decision.retryAfterMs,
        })
      }
      return { provisioningId: await ctx.provisioning.create(session.accountId, PROVISIONING_TTL_MS) }
    },

    putProvisioningRequest: async ({ params, body }) => {
      const result = await ctx.provisioning.putRequest(
        slotId(params.provisioningId),
        bytesField(body.ciphertext, "ciphertext"),
      )
      if (result === "notFound") throw notFound()
      if (result === "alreadySet") throw alreadySet()
      return undefined
    },

    getProvisioningRequest: async ({ params, session }) => {
      const request = await ctx.provisioning.getRequest(slotId(params.provisioningId), session.accountId)
      if (request === undefined) throw notFound()
      return { ciphertext: toBase64Url(request) }
    },

    putProvisioningResponse: async ({ params, body, session }) => {
      const result = await ctx.provisioning.putResponse(
        slotId(params.provisioningId),
        session.accountId,
        bytesField(body.ciphertext, "ciphertext"),
      )
      if (result === "notFound") throw notFound()
      if (result === "alreadySet") throw alreadySet()
      return undefined
    },

    getProvisioningResponse: async ({ params }) => {
      const response = await ctx.provisioning.takeResponse(slotId(params.provisioningId))
      if (response === undefined) throw notFound()
      return { ciphertext: toBase64Url(response) }
    },
  }
}
