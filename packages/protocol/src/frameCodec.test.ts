import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { ErrorCode, KithError } from "./errors"
import { decodeClientFrame, decodeServerFrame, encodeClientFrame, encodeServerFrame } from "./frameCodec"
import { Limits } from "./limits"
import { create } from "@bufbuild/protobuf"
import { ClientFrameSchema, SendSchema, DeliverySchema, RecipientSchema } from "./gen/kith/v1/frames_pb"

const id = () => crypto.getRandomValues(new Uint8Array(16))

function sendFrame(payload = new Uint8Array([1, 2, 3]), token = new Uint8Array(32)) {
  return encodeClientFrame(
    create(ClientFrameSchema, {
      requestId: 7,
      body: {
        case: "send",
        value: create(SendSchema, {
          deliveries: [
            create(DeliverySchema, {
              payload,
              recipients: [create(RecipientSchema, { deviceId: id(), deliveryToken: token })],
            }),
          ],
        }),
      },
    }),
  )
}

describe("client frame decoder", () => {
  it("round-trips a valid Send", () => {
    const frame = decodeClientFrame(sendFrame())
    expect(frame.requestId).toBe(7)
    expect(frame.body.case).toBe("send")
  })

  it("refuses frames that break the rules with typed errors", () => {
    const code = (bytes: Uint8Array) => {
      try {
        decodeClientFrame(bytes)
        return "accepted"
      } catch (e) {
        return (e as KithError).code
      }
    }
    expect(code(new Uint8Array([0xff, 0xff, 0xff]))).toBe(ErrorCode.BadFrame)
    expect(code(new Uint8Array())).toBe(ErrorCode.BadFrame) // request id 0, no body
    expect(code(sendFrame(new Uint8Array()))).toBe(ErrorCode.BadFrame)
    expect(code(sendFrame(new Uint8Array(Limits.maxPayloadBytes + 1)))).toBe(ErrorCode.TooLarge)
    expect(code(sendFrame(undefined, new Uint8Array(5)))).toBe(ErrorCode.BadFrame)
    expect(code(new Uint8Array(Limits.maxFrameBytes + 1))).toBe(ErrorCode.TooLarge)
  })

  it("answers any byte string with a frame or a KithError, never anything else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          decodeClientFrame(bytes)
        } catch (e) {
          expect(e).toBeInstanceOf(KithError)
        }
      }),
      { numRuns: 2000 },
    )
  })

  it("survives every single-byte mutation of a valid frame", () => {
    const valid = sendFrame()
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const mutated = valid.slice()
        mutated[at] = value
        try {
          decodeClientFrame(mutated)
        } catch (e) {
          expect(e).toBeInstanceOf(KithError)
        }
      }),
    )
  })
})

describe("server frame decoder", () => {
  it("round-trips an error frame and refuses garbage with a typed error", () => {
    const bytes = encodeServerFrame({
      requestId: 3,
      body: {
        case: "error",
        value: { code: ErrorCode.EpochConflict, message: "x", retryAfterMs: 0, currentEpoch: 4n },
      },
    } as never)
    const frame = decodeServerFrame(bytes)
    expect(frame.body.case).toBe("error")
    expect(() => decodeServerFrame(new Uint8Array([0x0a]))).toThrow(KithError)
  })
})
