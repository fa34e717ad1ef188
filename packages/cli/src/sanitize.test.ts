import { describe, expect, it } from "vitest"
import { plainLine, terminalSafeJson } from "./sanitize"

describe("plainLine", () => {
  it("removes escape sequences that would restyle the terminal or set its title", () => {
    expect(plainLine("hi \u001b[31mred\u001b[0m")).toBe("hi [31mred[0m")
    expect(plainLine("\u001b]0;owned\u0007title")).toBe("]0;ownedtitle")
  })

  it("removes the one-byte C1 CSI and DEL", () => {
    expect(plainLine("a\u009b2Jb\u007fc")).toBe("a2Jbc")
  })

  it("turns line breaks and tabs into spaces so a body cannot fake another line", () => {
    expect(plainLine("one\ntwo\r\nthree\rfour\u2028five\tsix")).toBe("one two three four five six")
  })

  it("removes bidi overrides and isolates", () => {
    expect(plainLine("abc\u202edcba\u2066x\u2069")).toBe("abcdcbax")
  })

  it("keeps ordinary text, including non-Latin scripts and emoji", () => {
    const text = "你好, Привет, مرحبا 👋"
    expect(plainLine(text)).toBe(text)
  })
})

describe("terminalSafeJson", () => {
  it("escapes characters JSON.stringify leaves raw, and parses back to the same value", () => {
    const value = { body: "x\u009b31m\u202e\u2028\u007fy\u001b" }
    const text = terminalSafeJson(JSON.stringify(value))
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/)
    expect(JSON.parse(text)).toEqual(value)
  })
})
