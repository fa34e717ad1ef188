import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { fromBase64Url, toBase64Url } from "./bytes"

describe("base64url", () => {
  it("round-trips any bytes and matches Node's encoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = toBase64Url(bytes)
        expect(text).toBe(Buffer.from(bytes).toString("base64url"))
        expect(fromBase64Url(text)).toEqual(bytes)
      }),
    )
  })

  it("refuses non-canonical and foreign text instead of guessing", () => {
    expect(fromBase64Url("a")).toBeUndefined()
    expect(fromBase64Url("ab+/")).toBeUndefined()
    expect(fromBase64Url("AB==")).toBeUndefined()
    expect(fromBase64Url("AB")).toBeUndefined() // leftover bits set
    expect(fromBase64Url("AA")).toEqual(new Uint8Array([0]))
  })
})
