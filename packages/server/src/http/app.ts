import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from "fastify"
import swagger from "@fastify/swagger"
import websocket from "@fastify/websocket"
import { TypeBoxValidatorCompiler } from "@fastify/type-provider-typebox"
import { ErrorCode, KithError, Limits } from "@kith/protocol"
import type { ServerContext } from "../context"
import type { RouteHandlers } from "./routeHandlers"
import { errorReplyOf } from "./errorReply"
import { registerRoutes } from "./routeTable"
import { registerOpsRoutes } from "./opsRoutes"
import { registerWebSocket } from "../ws/websocketRoute"
import { registerWebApp } from "./webApp"
import { CloseCode } from "../ws/connectionRegistry"
import { registrationHandlers } from "./handlers/registration"
import { sessionHandlers } from "./handlers/sessions"
import { deviceHandlers } from "./handlers/devices"
import { accountHandlers } from "./handlers/accounts"
import { usernameHandlers } from "./handlers/usernames"
import { profileHandlers } from "./handlers/profiles"
import { keyPackageHandlers } from "./handlers/keyPackages"
import { provisioningHandlers } from "./handlers/provisioning"
import { reportHandlers } from "./handlers/reports"
import { ratchetTreeHandlers } from "./handlers/ratchetTrees"
import { registerBlobRoutes } from "../blobs/tusRoutes"
import { recordRoutes } from "./registeredRoutes"
import { capConnectionsPerAddress } from "./addressCap"

const knownMethods = new Set(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
const quietRoutes = new Set(["/healthz", "/metrics"])

/** The Fastify application: the Routes table, the WebSocket endpoint and the operations endpoints. */
export async function buildApp(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Fastify's own request logs include URLs (which hold ids) and addresses; we log our own line.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: Limits.maxHttpBodyBytes,
    trustProxy: ctx.config.trustProxy,
    // Only the routes of the table (and the operations endpoints): no implicit HEAD twins.
    exposeHeadRoutes: false,
    // Slowloris: headers and whole requests trickled slowly are cut (idle keep-alive ones too,
    // after Fastify's default 72 s). Node checks these timers every connectionsCheckingInterval.
    requestTimeout: ctx.config.abuse.requestTimeoutMs,
    http: {
      headersTimeout: ctx.config.abuse.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, ctx.config.abuse.headersTimeoutMs),
    },
  })
  if (!ctx.config.trustProxy) {
    const { maxConnectionsPerAddress, limitLoopback } = ctx.config.abuse
    capConnectionsPerAddress(app.server, ctx.ipKeys, maxConnectionsPerAddress, limitLoopback)
  }
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  recordRoutes(app)

  app.setErrorHandler((error, request, reply) => {
    const result = errorReplyOf(error, routeNameOf(request))
    if (result.unexpected) {
      request.log.error({ err: error, route: routePatternOf(request) }, "request failed")
    }
    return reply.code(result.status).send(result.body)
  })
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: ErrorCode.NotFound, message: "no such route" }),
  )

  app.addHook("onResponse", async (request, reply) => {
    const method = knownMethods.has(request.method) ? request.method : "OTHER"
    const route = routePatternOf(request)
    ctx.metrics.httpRequests.inc({ method, route, status: String(reply.statusCode) })
    const line = { method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }
    if (quietRoutes.has(route)) request.log.debug(line, "request")
    else request.log.info(line, "request")
  })

  // Nothing here inflates a body, so a compressed one could only be a decompression bomb aimed
  // at some later layer, or a mistake: both get a clear typed error before the body is read.
  app.addHook("onRequest", async (request) => {
    const encoding = request.headers["content-encoding"]
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") {
      throw new KithError(ErrorCode.BadRequest, "compressed request bodies are not accepted")
    }
  })

  // Empty bodies are allowed (routes without a body schema ignore them); anything else must be JSON.
  app.removeContentTypeParser("application/json")
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = body as string
    if (text.length === 0) return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(new KithError(ErrorCode.BadRequest, "body is not valid JSON"), undefined)
    }
  })

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Kith delivery server",
        description:
          "HTTP API of the Kith delivery service; real-time delivery runs over the WebSocket at /v1/ws.",
        version: "1",
      },
      components: { securitySchemes: { session: { type: "http", scheme: "bearer" } } },
    },
  })
  await app.register(websocket, {
    // No permessage-deflate: frames are ciphertext (incompressible) and inflating is a bomb's door.
    options: { maxPayload: Limits.maxFrameBytes, perMessageDeflate: false },
    // On shutdown, "going away" (1001) tells clients to reconnect, unlike the default bare close.
    preClose(done) {
      for (const client of app.websocketServer.clients)
        client.close(CloseCode.serverShutdown, "server shutting down")
      app.websocketServer.close(() => done())
    },
  })

  const handlers: RouteHandlers = {
    ...registrationHandlers(ctx),
    ...sessionHandlers(ctx),
    ...deviceHandlers(ctx),
    ...accountHandlers(ctx),
    ...usernameHandlers(ctx),
    ...profileHandlers(ctx),
    ...keyPackageHandlers(ctx),
    ...provisioningHandlers(ctx),
    ...reportHandlers(ctx),
    ...ratchetTreeHandlers(ctx),
  }
  registerRoutes(app, ctx, handlers)
  registerWebSocket(app, ctx)
  await registerBlobRoutes(app, ctx)
  registerOpsRoutes(app, ctx)
  await registerWebApp(app, ctx.config.webDir)
  return app
}

/** The route's pattern (never the URL, which holds ids); unmatched requests share one label. */
function routePatternOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? "(unmatched)"
}

function routeNameOf(request: FastifyRequest): string | undefined {
  const name = (request.routeOptions.config as { routeName?: unknown } | undefined)?.routeName
  return typeof name === "string" ? name : undefined
}
