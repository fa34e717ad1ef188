import { ErrorCode, ID_BYTES, KithError, Limits } from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { newId } from "../../ids"

/**
 * Reports are the one place plaintext reaches the operator, and only by the
 * reporting user's explicit choice (after a consent dialog on the device):
 * the messages they picked, as their device shows them. The server stores
 * them as sent, without the reporter's account, device or address, and
 * deletes them after Limits.reportRetentionMs. The reporter's account is
 * used only for an in-memory rate limit.
 */
export function reportHandlers(ctx: ServerContext): Pick<RouteHandlers, "submitReport"> {
  return {
    submitReport: async ({ body, session }) => {
      for (const message of body.messages) bytesField(message.senderAccountId, "senderAccountId", ID_BYTES)
      const decision = await ctx.rateLimiter.take(
        `report:${session.accountId}`,
        1,
        Limits.reportsPerHour,
        3_600_000,
      )
      if (!decision.allowed) {
        throw new KithError(ErrorCode.RateLimited, "too many reports this hour", {
          retryAfterMs: decision.retryAfterMs,
        })
      }
      const reportId = newId()
      await ctx.store.reports.add({
        id: reportId,
        reason: body.reason,
        // Exactly the fields of the schema (it allows no others), in the order the reporter chose.
        messages: body.messages.map((m) => ({
          senderAccountId: m.senderAccountId,
          sentAtMs: m.sentAtMs,
          text: m.text,
          ...(m.attachment === undefined ? {} : { attachment: m.attachment }),
        })),
        expiresAtMs: ctx.clock() + Limits.reportRetentionMs,
      })
      ctx.metrics.reportsReceived.inc()
      return { reportId }
    },
  }
}
