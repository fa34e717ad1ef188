import { describe, expect, it } from "vitest"
import { byteString } from "./byteString"

describe("bytes as a string", () => {
  for (const [name, keyOf] of [
    ["Buffer", byteString()],
    ["TextDecoder", byteString(null)],
  ] as const) {
    it(`${name}: one character per byte, a different one for each of the 256 values, views read in place`, () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i)
      const text = keyOf(all)
      expect(text.length).toBe(256)
      expect(new Set(text).size).toBe(256)
      expect(keyOf(all.subarray(100, 132))).toBe(text.slice(100, 132))
      expect(keyOf(new Uint8Array(0))).toBe("")
    })
  }
})
