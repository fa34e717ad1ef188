import { ErrorCode, KithError } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { normaliseUsername, usernameHash } from "../../usernames/usernameHash"

/** Lookups per account per hour: enough to find friends, too few to walk the namespace. */
const LOOKUPS_PER_HOUR = 600

/** Usernames are kept only as keyed hashes: the server can match a name it is given, not list them. */
export function usernameHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "claimUsername" | "releaseUsername" | "lookupUsername"> {
  const hashOf = (input: string) => {
    const normalised = normaliseUsername(input)
    if (normalised === undefined) {
      throw new KithError(ErrorCode.BadUsername, "username must be 3-32 of a-z, 0-9, _ and .")
    }
    return usernameHash(ctx.secrets.usernameKey, normalised)
  }

  return {
    claimUsername: async ({ body, session }) => {
      const result = await ctx.store.accounts.setUsernameHash(session.accountId, hashOf(body.username))
      if (result === "taken") throw new KithError(ErrorCode.UsernameTaken, "username is taken")
      return undefined
    },

    releaseUsername: async ({ session }) => {
      await ctx.store.accounts.clearUsernameHash(session.accountId)
      return undefined
    },

    lookupUsername: async ({ params, session }) => {
      const decision = await ctx.rateLimiter.take(
        `lookup:${session.accountId}`,
        1,
        LOOKUPS_PER_HOUR,
        3_600_000,
      )
      if (!decision.allowed) {
        throw new KithError(ErrorCode.RateLimited, "too many username lookups", {
          retryAfterMs: decision.retryAfterMs,
        })
      }
      const accountId = await ctx.store.accounts.findByUsernameHash(hashOf(params.username))
      if (accountId === undefined) throw new KithError(ErrorCode.NotFound, "no account has this username")
      return { accountId }
    },
  }
}
