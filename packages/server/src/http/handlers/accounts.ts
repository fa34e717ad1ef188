import { ErrorCode, ID_BYTES, KithError, toBase64Url } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { deleteAccount } from "../../accounts/removal"

export function accountHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "getAccount" | "lookupAccountByKey" | "deleteAccount"> {
  return {
    getAccount: async ({ params }) => {
      const accountId = toBase64Url(bytesField(params.accountId, "accountId", ID_BYTES))
      const account = await ctx.store.accounts.get(accountId)
      if (account === undefined) throw new KithError(ErrorCode.NotFound, "no such account")
      const devices = await ctx.store.devices.listByAccount(accountId)
      return {
        accountId,
        accountPublicKey: toBase64Url(account.publicKey),
        devices: devices.map((d) => ({ deviceId: d.id, certificate: toBase64Url(d.certificate) })),
      }
    },

    lookupAccountByKey: async ({ params }) => {
      const publicKey = bytesField(params.accountPublicKey, "accountPublicKey", 32)
      const accountId = await ctx.store.accounts.findByPublicKey(publicKey)
      if (accountId === undefined) throw new KithError(ErrorCode.NotFound, "no account has this key")
      return { accountId }
    },

    deleteAccount: async ({ session }) => {
      await deleteAccount(ctx, session.accountId)
      return undefined
    },
  }
}
