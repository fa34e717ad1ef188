import { ErrorCode, KithError, Limits, toBase64Url, ID_BYTES } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"

/**
 * Sealed ratchet trees for joiners of large groups (docs/protocol.md "Ratchet
 * trees"). The server stores opaque bytes under an id it cannot link to a
 * group; whoever knows the id may read them, which only the group's members
 * and the joiners of that epoch do.
 */
export function ratchetTreeHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "putRatchetTree" | "getRatchetTree"> {
  return {
    putRatchetTree: async ({ params, body }) => {
      const id = toBase64Url(bytesField(params.treeId, "treeId", ID_BYTES))
      const ciphertext = bytesField(body.ciphertext, "ciphertext")
      if (ciphertext.length > Limits.maxRatchetTreeBytes)
        throw new KithError(ErrorCode.TooLarge, "the ratchet tree is larger than the server accepts")
      const now = ctx.clock()
      const result = await ctx.store.ratchetTrees.put(id, ciphertext, now + Limits.mailboxRetentionMs, now)
      if (result === "exists")
        throw new KithError(ErrorCode.Conflict, "a ratchet tree is already stored under that id")
      return undefined
    },

    getRatchetTree: async ({ params }) => {
      const id = toBase64Url(bytesField(params.treeId, "treeId", ID_BYTES))
      const ciphertext = await ctx.store.ratchetTrees.get(id, ctx.clock())
      if (!ciphertext) throw new KithError(ErrorCode.NotFound, "no ratchet tree under that id")
      return { ciphertext: toBase64Url(ciphertext) }
    },
  }
}
