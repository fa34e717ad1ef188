import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { ErrorCode, httpStatusOf } from "./errors"

describe("error catalogue", () => {
  const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8")

  it("documents every code with the HTTP status the server sends", () => {
    for (const code of Object.values(ErrorCode)) {
      const row = doc.split("\n").find((line) => line.startsWith(`| \`${code}\` `))
      expect(row, `${code} missing from docs/errors.md`).toBeDefined()
      const status = row!.split("|")[2]!.trim()
      expect(status === "—" || Number(status) === httpStatusOf[code], `${code} status`).toBe(true)
    }
  })

  it("has no code in the docs that the code does not know", () => {
    const documented = [...doc.matchAll(/^\| `(KITH_ERR_[A-Z_]+)`/gm)].map((m) => m[1])
    expect(documented.sort()).toEqual(Object.values(ErrorCode).sort())
  })
})
