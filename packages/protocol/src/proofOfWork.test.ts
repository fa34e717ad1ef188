import { describe, expect, it } from "vitest"
import { checkProofOfWork, leadingZeroBits, solveProofOfWork } from "./proofOfWork"

describe("proof of work", () => {
  it("counts leading zero bits", () => {
    expect(leadingZeroBits(new Uint8Array([0, 0, 0x80]))).toBe(16)
    expect(leadingZeroBits(new Uint8Array([0, 0x01]))).toBe(15)
    expect(leadingZeroBits(new Uint8Array([0xff]))).toBe(0)
  })

  it("accepts a solved nonce and refuses it for another challenge", () => {
    const challenge = crypto.getRandomValues(new Uint8Array(32))
    const nonce = solveProofOfWork(challenge, 10)
    expect(checkProofOfWork(challenge, nonce, 10)).toBe(true)
    // The same nonce almost surely misses a far higher bar (1 in 2^54 that it would not).
    expect(checkProofOfWork(challenge, nonce, 64)).toBe(false)
    expect(checkProofOfWork(challenge, new Uint8Array(17), 0)).toBe(false) // oversized nonce
  })
})
