import { ErrorCode } from "@kith/protocol"
import { describe, expect, it } from "vitest"
import { keyPairFromSeed } from "./identity"
import { accountSeedFromPhrase, newRecoveryPhrase } from "./recoveryPhrase"
import { secureRandom } from "./runtime"

describe("recovery phrases", () => {
  it("are 24 English words that give back the same account key", () => {
    const phrase = newRecoveryPhrase(secureRandom)
    expect(phrase.split(" ")).toHaveLength(24)
    const first = keyPairFromSeed(accountSeedFromPhrase(phrase))
    const again = keyPairFromSeed(accountSeedFromPhrase(phrase))
    expect(again.publicKey).toEqual(first.publicKey)
  })

  it("tolerate case and spacing typed by hand", () => {
    const phrase = newRecoveryPhrase(secureRandom)
    const typed = "  " + phrase.toUpperCase().split(" ").join("   \n") + " "
    expect(accountSeedFromPhrase(typed)).toEqual(accountSeedFromPhrase(phrase))
  })

  it("give different keys for different phrases", () => {
    const a = accountSeedFromPhrase(newRecoveryPhrase(secureRandom))
    const b = accountSeedFromPhrase(newRecoveryPhrase(secureRandom))
    expect(a).not.toEqual(b)
  })

  it("refuse a phrase with a wrong word or checksum", () => {
    const words = newRecoveryPhrase(secureRandom).split(" ")
    const wrongWord = [...words.slice(0, 23), "notaword"].join(" ")
    const swapped = [words[1], words[0], ...words.slice(2)].join(" ")
    for (const bad of [wrongWord, words.slice(0, 12).join(" "), ""]) {
      expect(() => accountSeedFromPhrase(bad)).toThrow(
        expect.objectContaining({ code: ErrorCode.BadRecoveryPhrase }),
      )
    }
    // A swap keeps every word valid; the checksum catches it unless the two words are equal.
    if (words[0] !== words[1]) expect(() => accountSeedFromPhrase(swapped)).toThrow()
  })
})
