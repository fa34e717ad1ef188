import { createHash } from "node:crypto"
import { toBase64Url } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { deviceFingerprint } from "./fingerprint"

describe("device fingerprint", () => {
  it("is eight groups of four hex digits of the SHA-256 of the public key", async () => {
    const key = new Uint8Array(32).fill(7)
    const a = await deviceFingerprint(key)
    expect(a).toMatch(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/)
    const expected = createHash("sha256").update(key).digest("hex").slice(0, 32)
    expect(a.replace(/ /g, "")).toBe(expected)
    expect(await deviceFingerprint(toBase64Url(key))).toBe(a)
    expect(await deviceFingerprint(new Uint8Array(32).fill(8))).not.toBe(a)
  })

  it("refuses anything that is not a 32-byte key, such as a 16-byte device id", async () => {
    await expect(deviceFingerprint(toBase64Url(new Uint8Array(16)))).rejects.toThrow()
    await expect(deviceFingerprint("not base64url!")).rejects.toThrow()
  })
})
