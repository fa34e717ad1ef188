import { describe, expect, it } from "vitest"
import { Output } from "./output"

function capture(json: boolean) {
  const out: string[] = []
  const err: string[] = []
  return {
    output: new Output(
      json,
      (t) => out.push(t),
      (t) => err.push(t),
    ),
    out,
    err,
  }
}

describe("Output", () => {
  it("prints one JSON value per result with --json, bytes as base64url and big integers as strings", () => {
    const { output, out } = capture(true)
    output.result({ json: { id: new Uint8Array([1, 2, 3]), epoch: 5n }, text: ["ignored"] })
    expect(out).toEqual(['{"id":"AQID","epoch":"5"}\n'])
  })

  it("makes every human line plain, whatever a field smuggles in", () => {
    const { output, out } = capture(false)
    output.result({ json: null, text: ["bob: hi\u001b[2J\nalice: fake line"] })
    expect(out).toEqual(["bob: hi[2J alice: fake line\n"])
  })

  it("reports errors as a JSON object on stdout with --json, as a plain line on stderr without", () => {
    const json = capture(true)
    json.output.error("KITH_ERR_NOT_FOUND", "no such thing")
    expect(JSON.parse(json.out.join(""))).toEqual({
      error: { code: "KITH_ERR_NOT_FOUND", message: "no such thing" },
    })
    const human = capture(false)
    human.output.error("KITH_ERR_NOT_FOUND", "no \u001b]0;x\u0007thing")
    expect(human.out).toEqual([])
    expect(human.err).toEqual(["error: no ]0;xthing (KITH_ERR_NOT_FOUND)\n"])
  })
})
