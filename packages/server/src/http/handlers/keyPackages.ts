import { ErrorCode, fromBase64Url, ID_BYTES, KithError, Limits, toBase64Url } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { Session } from "../../ephemeral/sessionStore"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { validateKeyPackage, type KeyPackageOwner } from "../../keyPackages/validateKeyPackage"

/** Claims per account per hour: starting conversations, not draining other people's key packages. */
const CLAIMS_PER_HOUR = 200

export function keyPackageHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "uploadKeyPackages" | "keyPackageCount" | "claimKeyPackages"> {
  return {
    uploadKeyPackages: async ({ body, session }) => {
      const oneTime = body.keyPackages.map((kp, i) => bytesField(kp, `keyPackages/${i}`))
      const lastResort = body.lastResort === undefined ? undefined : bytesField(body.lastResort, "lastResort")
      if (oneTime.length === 0 && lastResort === undefined) {
        throw new KithError(ErrorCode.BadRequest, "no key packages to upload")
      }
      const owner = await ownerOf(ctx, session)
      for (const kp of [...oneTime, ...(lastResort === undefined ? [] : [lastResort])]) {
        await validateKeyPackage(kp, owner)
      }
      const result = await ctx.store.keyPackages.upload(
        session.deviceId,
        oneTime,
        lastResort,
        Limits.maxKeyPackagesPerDevice,
      )
      if (result === "tooMany") {
        throw new KithError(
          ErrorCode.Forbidden,
          `a device may hold at most ${Limits.maxKeyPackagesPerDevice} unclaimed key packages`,
        )
      }
      return undefined
    },

    keyPackageCount: async ({ session }) => ctx.store.keyPackages.count(session.deviceId),

    claimKeyPackages: async ({ params, body, session }) => {
      const accountId = toBase64Url(bytesField(params.accountId, "accountId", ID_BYTES))
      const decision = await ctx.rateLimiter.take(`claim:${session.accountId}`, 1, CLAIMS_PER_HOUR, 3_600_000)
      if (!decision.allowed) {
        throw new KithError(ErrorCode.RateLimited, "too many key package claims", {
          retryAfterMs: decision.retryAfterMs,
        })
      }
      if ((await ctx.store.accounts.get(accountId)) === undefined) {
        throw new KithError(ErrorCode.NotFound, "no such account")
      }
      const excluded = new Set(body.excludeDeviceIds ?? [])
      const devices = await ctx.store.devices.listByAccount(accountId)
      const claimed = await ctx.store.keyPackages.claim(
        devices.map((d) => d.id).filter((id) => !excluded.has(id)),
      )
      if (claimed.length === 0) {
        throw new KithError(ErrorCode.NoKeyPackage, "no device of this account has a key package")
      }
      return {
        keyPackages: claimed.map((c) => ({ deviceId: c.deviceId, keyPackage: toBase64Url(c.keyPackage) })),
      }
    },
  }
}

async function ownerOf(ctx: ServerContext, session: Session): Promise<KeyPackageOwner> {
  const device = await ctx.store.devices.get(session.deviceId)
  const account = await ctx.store.accounts.get(session.accountId)
  if (device === undefined || account === undefined) {
    throw new KithError(ErrorCode.Unauthenticated, "this session's device no longer exists")
  }
  return {
    accountId: fromBase64Url(account.id)!,
    accountPublicKey: account.publicKey,
    deviceId: fromBase64Url(device.id)!,
    devicePublicKey: device.publicKey,
  }
}
