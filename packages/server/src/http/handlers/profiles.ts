import { ErrorCode, ID_BYTES, KithError, toBase64Url } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"

/** Profiles are ciphertext under a key only friends hold; the server stores and returns bytes. */
export function profileHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "putProfile" | "getProfile" | "setDeliveryVerifier"> {
  return {
    putProfile: async ({ body, session }) => {
      await ctx.store.accounts.setProfile(session.accountId, bytesField(body.ciphertext, "ciphertext"))
      return undefined
    },

    getProfile: async ({ params }) => {
      const accountId = toBase64Url(bytesField(params.accountId, "accountId", ID_BYTES))
      const profile = await ctx.store.accounts.getProfile(accountId)
      if (profile === undefined) throw new KithError(ErrorCode.NotFound, "no such account")
      if (profile === null) throw new KithError(ErrorCode.NotFound, "this account has no profile")
      return { ciphertext: toBase64Url(profile) }
    },

    setDeliveryVerifier: async ({ body, session }) => {
      const verifier = bytesField(body.verifier, "verifier", 32)
      await ctx.store.accounts.setDeliveryVerifier(session.accountId, verifier)
      return undefined
    },
  }
}
