import { describe, expect, it } from "vitest"
import { friendCodeFor, parseFriendCode, parseSafetyCode, safetyCodeFor } from "./qrPayloads"

describe("QR payloads", () => {
  it("round-trip a friend code and refuse anything else", () => {
    expect(parseFriendCode(friendCodeFor("https://kith.example", "li.wei_88"))).toBe("li.wei_88")
    expect(parseFriendCode("https://evil.example/#/contacts/add/<script>")).toBeUndefined()
    expect(parseFriendCode("hello")).toBeUndefined()
  })

  it("round-trip a safety number", () => {
    const digits = "0123456789".repeat(6)
    expect(parseSafetyCode(safetyCodeFor(digits.replace(/(\d{5})/g, "$1 ")))).toBe(digits)
    expect(parseSafetyCode("kith-safety:123")).toBeUndefined()
  })
})
