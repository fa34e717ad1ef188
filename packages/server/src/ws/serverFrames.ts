import { encodeEntryFrame, encodeOkFrame, encodeServerFrame, ErrorCode, KithError } from "@kith/protocol"

/** The encoded ServerFrames the server sends, one builder each. */
export const serverFrames = {
  ok(
    requestId: number,
    unknownDeviceIds: Uint8Array[] = [],
    skippedDeviceIds: Uint8Array[] = [],
  ): Uint8Array {
    if (unknownDeviceIds.length === 0 && skippedDeviceIds.length === 0) return encodeOkFrame(requestId)
    return encodeServerFrame({
      requestId,
      body: { case: "ok", value: { $typeName: "kith.v1.Ok", unknownDeviceIds, skippedDeviceIds } },
    })
  },

  error(requestId: number, error: KithError): Uint8Array {
    return encodeServerFrame({
      requestId,
      body: {
        case: "error",
        value: {
          $typeName: "kith.v1.Error",
          code: error.code,
          message: error.message,
          retryAfterMs: Math.max(0, Math.min(0xffffffff, Math.ceil(error.details.retryAfterMs ?? 0))),
          currentEpoch: error.details.currentEpoch ?? 0n,
        },
      },
    })
  },

  entry(seq: number, payload: Uint8Array): Uint8Array {
    return encodeEntryFrame(seq, payload)
  },

  caughtUp(): Uint8Array {
    return encodeServerFrame({
      requestId: 0,
      body: { case: "caughtUp", value: { $typeName: "kith.v1.CaughtUp" } },
    })
  },

  pong(requestId: number): Uint8Array {
    return encodeServerFrame({ requestId, body: { case: "pong", value: { $typeName: "kith.v1.Pong" } } })
  },
}

/** Any failure as the KithError a client is shown: unexpected ones become KITH_ERR_INTERNAL, details withheld. */
export function asKithError(error: unknown): { error: KithError; unexpected: boolean } {
  if (error instanceof KithError) return { error, unexpected: false }
  return { error: new KithError(ErrorCode.Internal, "internal error"), unexpected: true }
}
