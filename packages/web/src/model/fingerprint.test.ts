import { describe, expect, it } from "vitest"
import { deviceFingerprint } from "./fingerprint"

describe("device fingerprint", () => {
  it("is eight groups of four hex digits, stable for a key", async () => {
    const key = new Uint8Array(32).fill(7)
    const a = await deviceFingerprint(key)
    expect(a).toMatch(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/)
    expect(await deviceFingerprint(key)).toBe(a)
    expect(await deviceFingerprint(new Uint8Array(32).fill(8))).not.toBe(a)
  })
})
