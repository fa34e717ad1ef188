import type { FastifyInstance } from "fastify"
import { WS_PATH } from "@kith/protocol"
import type { ServerContext } from "../context"
import { Connection } from "./connection"
import { limitAnonymous } from "../http/routeTable"

/** The one WebSocket endpoint; what a socket may do depends on the frames it sends, not on the upgrade. */
export function registerWebSocket(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    WS_PATH,
    {
      websocket: true,
      schema: { hide: true },
      onRequest: async (request) => limitAnonymous(ctx, request),
    },
    (socket) => {
      new Connection(socket, ctx)
    },
  )
}
