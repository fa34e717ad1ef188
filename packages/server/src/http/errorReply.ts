import { ErrorCode, httpStatusOf, KithError, type ErrorBody } from "@kith/protocol"

export interface ErrorReply {
  status: number
  body: ErrorBody
  /** Not a client's mistake: worth a log line. */
  unexpected: boolean
}

interface FrameworkError {
  code?: unknown
  statusCode?: unknown
  validation?: unknown
  validationContext?: unknown
  message?: unknown
}

/**
 * Every failure becomes a typed ErrorBody with the code's status. Framework
 * errors are translated; anything unforeseen is KITH_ERR_INTERNAL with a
 * fixed message — no stack traces or internals leave the server.
 */
export function errorReplyOf(error: unknown, routeName?: string): ErrorReply {
  if (error instanceof KithError) return reply(error.code, error.message, error.details.retryAfterMs)
  const e = (typeof error === "object" && error !== null ? error : {}) as FrameworkError
  if (Array.isArray(e.validation)) {
    if (routeName === "claimUsername" && concernsOnly(e.validation, "/username")) {
      return reply(ErrorCode.BadUsername, "username must be 3-32 of a-z, 0-9, _ and .")
    }
    return reply(ErrorCode.BadRequest, typeof e.message === "string" ? e.message : "invalid request")
  }
  switch (e.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return reply(ErrorCode.TooLarge, "request body over the size limit")
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return reply(ErrorCode.BadRequest, "request bodies must be application/json")
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return reply(ErrorCode.BadRequest, "content length does not match the body")
  }
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return reply(ErrorCode.BadRequest, "malformed request")
  }
  return { ...reply(ErrorCode.Internal, "internal error"), unexpected: true }
}

function reply(code: ErrorCode, message: string, retryAfterMs?: number): ErrorReply {
  return {
    status: httpStatusOf[code],
    body: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs },
    unexpected: false,
  }
}

function concernsOnly(errors: unknown[], path: string): boolean {
  return errors.every((err) => {
    const at = (err as { instancePath?: unknown }).instancePath
    return typeof at === "string" && (at === path || at.startsWith(`${path}/`))
  })
}
