import type { FastifyInstance, FastifyRequest } from "fastify"
import { ErrorCode, http, KithError, Routes, type RouteName, type RouteSpec } from "@kith/protocol"
import type { ServerContext } from "../context"
import type { Session } from "../ephemeral/sessionStore"
import type { RouteHandlers, RouteRequest } from "./routeHandlers"
import { sessionFromHeader } from "./sessionAuth"
import { isLoopback } from "./loopback"

const sessions = new WeakMap<FastifyRequest, Session>()

/**
 * Registers exactly the routes of the protocol's Routes table, each with its
 * schemas, so no route can exist without a spec (and no spec without a
 * handler: RouteHandlers has one per name). Session routes check the bearer
 * token before anything else is looked at; the others are rate-limited per
 * (hashed) IP.
 */
export function registerRoutes(app: FastifyInstance, ctx: ServerContext, handlers: RouteHandlers): void {
  for (const name of Object.keys(Routes) as RouteName[]) {
    const spec: RouteSpec = Routes[name]
    const handler = handlers[name] as (request: RouteRequest<RouteName>) => Promise<unknown>
    const bodyMayBeOmitted = spec.body !== undefined && !hasRequiredFields(spec.body)
    app.route({
      method: spec.method,
      url: spec.url,
      config: { routeName: name },
      ...(spec.bodyLimit === undefined ? {} : { bodyLimit: spec.bodyLimit }),
      schema: {
        operationId: name,
        summary: spec.summary,
        ...(spec.params === undefined ? {} : { params: spec.params }),
        ...(spec.body === undefined ? {} : { body: spec.body }),
        ...(spec.auth === "session" ? { security: [{ session: [] }] } : {}),
        response: {
          ...(spec.response === undefined
            ? { 204: { description: "Done; no content", type: "null" } }
            : { 200: spec.response }),
          "4xx": http.ErrorResponse,
          "5xx": http.ErrorResponse,
        },
      },
      onRequest: async (request) => {
        if (spec.auth === "session") {
          sessions.set(request, await sessionFromHeader(ctx.sessions, request.headers.authorization))
        } else {
          await limitAnonymous(ctx, request)
          if (name === "registerAccount") await limitRegistrations(ctx, request)
        }
      },
      preValidation: async (request) => {
        // An all-optional body may be left out entirely; it means {}.
        if (bodyMayBeOmitted && (request.body === undefined || request.body === null)) request.body = {}
      },
      handler: async (request, reply) => {
        const result = await handler({
          params: request.params as never,
          body: request.body as never,
          session: sessions.get(request) as never,
        })
        if (spec.response === undefined) return reply.code(204).send()
        return result
      },
    })
  }
}

/** Requests that carry no session are counted per salted, daily-rotated hash of the IP. */
export async function limitAnonymous(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  const decision = await ctx.rateLimiter.take(
    `ip:${await ctx.ipKeys.keyFor(request.ip)}`,
    1,
    ctx.config.anonymousRequestsPerMinute,
    60_000,
  )
  if (!decision.allowed) {
    throw new KithError(ErrorCode.RateLimited, "too many requests", { retryAfterMs: decision.retryAfterMs })
  }
}

/**
 * Mass registration: besides the proof of work each account costs, one
 * address may register only so many per hour (its salted daily hash counts).
 */
async function limitRegistrations(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  if (!ctx.config.abuse.limitLoopback && isLoopback(request.ip)) return
  const decision = await ctx.rateLimiter.take(
    `register-ip:${await ctx.ipKeys.keyFor(request.ip)}`,
    1,
    ctx.config.abuse.registrationsPerHourPerAddress,
    3_600_000,
  )
  if (!decision.allowed) {
    throw new KithError(ErrorCode.RateLimited, "too many registrations from this address", {
      retryAfterMs: decision.retryAfterMs,
    })
  }
}

function hasRequiredFields(schema: object): boolean {
  const required = (schema as { required?: unknown }).required
  return Array.isArray(required) && required.length > 0
}
