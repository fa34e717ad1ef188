import { InvalidArgumentError } from "commander"
import { describe, expect, it } from "vitest"
import { joinWords, positiveInteger } from "./parse"

describe("positiveInteger", () => {
  it("reads whole numbers of at least 1", () => {
    expect(positiveInteger("1")).toBe(1)
    expect(positiveInteger("250")).toBe(250)
  })

  it.each(["0", "-3", "2.5", "1e3", "ten", "", " ", "99999999999999999999"])("refuses %j", (text) => {
    expect(() => positiveInteger(text)).toThrow(InvalidArgumentError)
  })
})

describe("joinWords", () => {
  it("joins the words of a message as they were typed", () => {
    expect(joinWords(["see", "you", "at", "8"])).toBe("see you at 8")
    expect(joinWords(["one argument with spaces"])).toBe("one argument with spaces")
  })
})
