import type { FastifyInstance, FastifyRequest } from "fastify"
import { ErrorCode, KithError, WS_PATH } from "@kith/protocol"
import type { ServerContext } from "../context"
import { Connection } from "./connection"
import { limitAnonymous } from "../http/routeTable"
import { isLoopback } from "../http/loopback"

const addressKeys = new WeakMap<FastifyRequest, string>()

/** The one WebSocket endpoint; what a socket may do depends on the frames it sends, not on the upgrade. */
export function registerWebSocket(app: FastifyInstance, ctx: ServerContext): void {
  app.route({
    method: "GET",
    url: WS_PATH,
    schema: { hide: true },
    onRequest: async (request) => {
      // Worked out before the upgrade: the handler must be synchronous so no early frame is missed.
      const perAddress = ctx.config.abuse.limitLoopback || !isLoopback(request.ip)
      addressKeys.set(request, perAddress ? await ctx.ipKeys.keyFor(request.ip) : "")
      await limitAnonymous(ctx, request)
    },
    // A plain GET (no upgrade) gets a typed error like any other mistake.
    handler: async () => {
      throw new KithError(ErrorCode.BadRequest, "this endpoint speaks WebSocket only")
    },
    wsHandler: (socket, request) => {
      new Connection(socket, ctx, addressKeys.get(request) ?? "", request.raw.socket)
    },
  })
}
