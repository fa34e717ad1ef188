import { toBase64Url } from "@kith/protocol"
import { ed25519 } from "@noble/curves/ed25519.js"
import { describe, expect, it } from "vitest"
import { formatSafetyNumber, safetyNumber } from "./safetyNumber"

const party = () => ({
  accountId: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  accountPublicKey: ed25519.getPublicKey(ed25519.utils.randomSecretKey()),
})

describe("safety numbers", () => {
  it("are 60 digits and the same on both sides", () => {
    const alice = party()
    const bob = party()
    const seenByAlice = safetyNumber(alice, bob)
    expect(seenByAlice).toMatch(/^\d{60}$/)
    expect(safetyNumber(bob, alice)).toBe(seenByAlice)
    expect(formatSafetyNumber(seenByAlice).split(" ")).toHaveLength(12)
  })

  it("change when either account key changes", () => {
    const alice = party()
    const bob = party()
    const impostor = { ...bob, accountPublicKey: party().accountPublicKey }
    expect(safetyNumber(alice, impostor)).not.toBe(safetyNumber(alice, bob))
  })
})
