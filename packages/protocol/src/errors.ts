/**
 * The catalogue of Kith error codes. Every error a server or client reports
 * carries one of these stable codes; docs/errors.md explains each one.
 */
export const ErrorCode = {
  BadRequest: "KITH_ERR_BAD_REQUEST",
  BadFrame: "KITH_ERR_BAD_FRAME",
  TooLarge: "KITH_ERR_TOO_LARGE",
  Unauthenticated: "KITH_ERR_UNAUTHENTICATED",
  Forbidden: "KITH_ERR_FORBIDDEN",
  NotFound: "KITH_ERR_NOT_FOUND",
  RateLimited: "KITH_ERR_RATE_LIMITED",
  ProofOfWork: "KITH_ERR_PROOF_OF_WORK",
  BadSignature: "KITH_ERR_BAD_SIGNATURE",
  BadCertificate: "KITH_ERR_BAD_CERTIFICATE",
  BadKeyPackage: "KITH_ERR_BAD_KEY_PACKAGE",
  NoKeyPackage: "KITH_ERR_NO_KEY_PACKAGE",
  UsernameTaken: "KITH_ERR_USERNAME_TAKEN",
  BadUsername: "KITH_ERR_BAD_USERNAME",
  DeliveryToken: "KITH_ERR_DELIVERY_TOKEN",
  EpochConflict: "KITH_ERR_EPOCH_CONFLICT",
  Conflict: "KITH_ERR_CONFLICT",
  Unavailable: "KITH_ERR_UNAVAILABLE",
  Internal: "KITH_ERR_INTERNAL",
  QuotaExceeded: "KITH_ERR_QUOTA_EXCEEDED",
  MailboxFull: "KITH_ERR_MAILBOX_FULL",
  GroupTooLarge: "KITH_ERR_GROUP_TOO_LARGE",
  Overloaded: "KITH_ERR_OVERLOADED",
  // Client-side codes: raised by the engine, never sent by a server.
  Network: "KITH_ERR_NETWORK",
  Decrypt: "KITH_ERR_DECRYPT",
  UntrustedDevice: "KITH_ERR_UNTRUSTED_DEVICE",
  NotAFriend: "KITH_ERR_NOT_A_FRIEND",
  NotAdmin: "KITH_ERR_NOT_ADMIN",
  RecallExpired: "KITH_ERR_RECALL_EXPIRED",
  BadRecoveryPhrase: "KITH_ERR_BAD_RECOVERY_PHRASE",
  BadLinkCode: "KITH_ERR_BAD_LINK_CODE",
  NoSuchConversation: "KITH_ERR_NO_SUCH_CONVERSATION",
  NotRegistered: "KITH_ERR_NOT_REGISTERED",
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

const allCodes = new Set<string>(Object.values(ErrorCode))

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && allCodes.has(value)
}

/** Codes after which the same request may succeed if sent again later. */
export const retryableCodes: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.RateLimited,
  ErrorCode.MailboxFull,
  ErrorCode.Unavailable,
  ErrorCode.Overloaded,
  ErrorCode.Network,
])

/** The base error of every Kith package: a stable code and a developer-facing message. */
export class KithError extends Error {
  override readonly name = "KithError"
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { retryAfterMs?: number; currentEpoch?: bigint; status?: number } = {},
  ) {
    super(message)
  }

  get retryable(): boolean {
    return retryableCodes.has(this.code)
  }
}

/** The JSON body of every HTTP error response. */
export interface ErrorBody {
  code: ErrorCode
  message: string
  retryAfterMs?: number
}

/** HTTP status for each code the server may send. */
export const httpStatusOf: Record<ErrorCode, number> = {
  KITH_ERR_BAD_REQUEST: 400,
  KITH_ERR_BAD_FRAME: 400,
  KITH_ERR_TOO_LARGE: 413,
  KITH_ERR_UNAUTHENTICATED: 401,
  KITH_ERR_FORBIDDEN: 403,
  KITH_ERR_NOT_FOUND: 404,
  KITH_ERR_RATE_LIMITED: 429,
  KITH_ERR_PROOF_OF_WORK: 400,
  KITH_ERR_BAD_SIGNATURE: 400,
  KITH_ERR_BAD_CERTIFICATE: 400,
  KITH_ERR_BAD_KEY_PACKAGE: 400,
  KITH_ERR_NO_KEY_PACKAGE: 404,
  KITH_ERR_USERNAME_TAKEN: 409,
  KITH_ERR_BAD_USERNAME: 400,
  KITH_ERR_DELIVERY_TOKEN: 403,
  KITH_ERR_EPOCH_CONFLICT: 409,
  KITH_ERR_CONFLICT: 409,
  KITH_ERR_UNAVAILABLE: 503,
  KITH_ERR_INTERNAL: 500,
  KITH_ERR_QUOTA_EXCEEDED: 413,
  KITH_ERR_MAILBOX_FULL: 429,
  KITH_ERR_GROUP_TOO_LARGE: 413,
  KITH_ERR_OVERLOADED: 503,
  KITH_ERR_NETWORK: 503,
  KITH_ERR_DECRYPT: 400,
  KITH_ERR_UNTRUSTED_DEVICE: 400,
  KITH_ERR_NOT_A_FRIEND: 403,
  KITH_ERR_NOT_ADMIN: 403,
  KITH_ERR_RECALL_EXPIRED: 400,
  KITH_ERR_BAD_RECOVERY_PHRASE: 400,
  KITH_ERR_BAD_LINK_CODE: 400,
  KITH_ERR_NO_SUCH_CONVERSATION: 404,
  KITH_ERR_NOT_REGISTERED: 400,
}
