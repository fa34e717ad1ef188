import type { Readable } from "node:stream"
import type { FastifyInstance, FastifyRequest } from "fastify"
import { BLOBS_PATH, ErrorCode, KithError, TUS_CONTENT_TYPE, TUS_VERSION } from "@kith/protocol"
import type { ServerContext } from "../context"
import { limitAnonymous } from "../http/routeTable"
import { sessionFromHeader } from "../http/sessionAuth"

const BLOB_URL = `${BLOBS_PATH}/:id`

/**
 * Uploads speak the core of tus 1.0.0 (creation, HEAD offset, PATCH,
 * expiration, termination) written here rather than through @tus/server:
 * a few handlers on our own Fastify, our own session check, quota and error
 * bodies, and no metadata extension — a filename or type must never reach
 * the server. Downloads are plain GETs by id, without a session.
 */
export async function registerBlobRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const blobs = ctx.blobs
  await app.register(async (scope) => {
    // PATCH bodies stay a stream: the store writes them to disk as they arrive.
    scope.addContentTypeParser(TUS_CONTENT_TYPE, (_request, payload, done) => done(null, payload))
    // Not in the OpenAPI description, which documents the JSON Routes table; docs/protocol.md §8 has these.
    scope.addHook("onRoute", (route) => {
      route.schema = { ...route.schema, hide: true }
    })
    scope.addHook("onSend", async (_request, reply) => {
      reply.header("tus-resumable", TUS_VERSION)
    })

    scope.options(BLOBS_PATH, async (_request, reply) =>
      reply
        .code(204)
        .header("tus-version", TUS_VERSION)
        .header("tus-extension", "creation,expiration,termination")
        .header("tus-max-size", String(blobs.limits.maxBlobBytes))
        .send(),
    )

    scope.post(BLOBS_PATH, async (request, reply) => {
      const session = await sessionFromHeader(ctx.sessions, request.headers.authorization)
      checkTusVersion(request)
      if (request.headers["upload-metadata"] !== undefined) {
        throw new KithError(
          ErrorCode.BadRequest,
          "upload metadata is not accepted: it belongs inside the message",
        )
      }
      const length = integerHeader(request, "upload-length")
      const blob = await blobs.create(session.accountId, length)
      return reply
        .code(201)
        .header("location", `${BLOBS_PATH}/${blob.id}`)
        .header("upload-expires", new Date(blob.expiresAtMs).toUTCString())
        .send()
    })

    scope.route({
      method: "HEAD",
      url: BLOB_URL,
      handler: async (request, reply) => {
        const session = await sessionFromHeader(ctx.sessions, request.headers.authorization)
        const blob = await blobs.status(session.accountId, idOf(request))
        return reply
          .code(200)
          .header("upload-offset", String(blob.offset))
          .header("upload-length", String(blob.length))
          .header("upload-expires", new Date(blob.expiresAtMs).toUTCString())
          .header("cache-control", "no-store")
          .send()
      },
    })

    scope.patch(BLOB_URL, async (request, reply) => {
      const session = await sessionFromHeader(ctx.sessions, request.headers.authorization)
      checkTusVersion(request)
      if (request.headers["content-type"] !== TUS_CONTENT_TYPE) {
        throw new KithError(ErrorCode.BadRequest, `PATCH bodies must be ${TUS_CONTENT_TYPE}`)
      }
      const offset = integerHeader(request, "upload-offset")
      const newOffset = await blobs.append(session.accountId, idOf(request), offset, request.body as Readable)
      return reply.code(204).header("upload-offset", String(newOffset)).send()
    })

    scope.delete(BLOB_URL, async (request, reply) => {
      const session = await sessionFromHeader(ctx.sessions, request.headers.authorization)
      await blobs.delete(session.accountId, idOf(request))
      return reply.code(204).send()
    })

    scope.get(BLOB_URL, async (request, reply) => {
      await limitAnonymous(ctx, request)
      const blob = await blobs.download(idOf(request))
      return reply
        .code(200)
        .header("content-type", "application/octet-stream")
        .header("content-length", String(blob.length))
        .header("cache-control", "no-store")
        .send(blob.bytes)
    })
  })
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id
}

function checkTusVersion(request: FastifyRequest): void {
  if (request.headers["tus-resumable"] !== TUS_VERSION) {
    throw new KithError(ErrorCode.BadRequest, `Tus-Resumable: ${TUS_VERSION} is required`)
  }
}

function integerHeader(request: FastifyRequest, name: string): number {
  const text = request.headers[name]
  const value = typeof text === "string" && /^\d{1,15}$/.test(text) ? Number(text) : NaN
  if (!Number.isSafeInteger(value)) throw new KithError(ErrorCode.BadRequest, `${name} must be an integer`)
  return value
}
