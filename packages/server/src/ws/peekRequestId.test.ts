import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { encodeClientFrame } from "@kith/protocol"
import { peekRequestId } from "./peekRequestId"

describe("peekRequestId", () => {
  it("finds the request id of any encoded frame", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.uint8Array({ maxLength: 40 }),
        (requestId, token) => {
          const bytes = encodeClientFrame({
            requestId,
            body: { case: "authenticate", value: { sessionToken: Buffer.from(token).toString("hex") } },
          } as never)
          expect(peekRequestId(bytes)).toBe(requestId)
        },
      ),
    )
  })

  it("finds it after other fields, and gives 0 when it is absent or broken", () => {
    // Field 6 (ping, empty message) first, then field 1 = 300.
    expect(peekRequestId(new Uint8Array([0x32, 0x00, 0x08, 0xac, 0x02]))).toBe(300)
    expect(peekRequestId(new Uint8Array([0x32, 0x00]))).toBe(0)
    expect(peekRequestId(new Uint8Array([0x08]))).toBe(0)
    expect(peekRequestId(new Uint8Array([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(0)
    expect(peekRequestId(new Uint8Array([0x0f]))).toBe(0)
  })

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const id = peekRequestId(bytes)
        expect(Number.isInteger(id) && id >= 0 && id <= 0xffffffff).toBe(true)
      }),
    )
  })
})
