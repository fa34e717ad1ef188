import type { FastifyInstance } from "fastify"
import { ErrorCode, KithError } from "@kith/protocol"
import type { ServerContext } from "../context"

/** Operations endpoints: health, metrics (no identifiers in them) and the OpenAPI description. */
export function registerOpsRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get("/healthz", { schema: { hide: true } }, async () => {
    try {
      await ctx.store.ping()
    } catch {
      throw new KithError(ErrorCode.Unavailable, "database does not answer")
    }
    return { status: "ok" }
  })

  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", ctx.metrics.registry.contentType)
    return ctx.metrics.registry.metrics()
  })

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger())
}
