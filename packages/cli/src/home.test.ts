import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { UsageError } from "./failure"
import { checkServerUrl, DEFAULT_SERVER, Home, resolveServerUrl } from "./home"

const scratch = mkdtempSync(join(tmpdir(), "kith-home-test-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe("Home", () => {
  it("is --home, else KITH_HOME, else ~/.kith", () => {
    expect(Home.locate("/a/b", { KITH_HOME: "/c" }).dir).toBe("/a/b")
    expect(Home.locate(undefined, { KITH_HOME: "/c" }).dir).toBe("/c")
    expect(Home.locate(undefined, {}).dir).toMatch(/\.kith$/)
  })

  it("remembers the server, keeps its files private, and wipes them completely", () => {
    const home = new Home(join(scratch, "one"))
    expect(home.hasDevice()).toBe(false)
    home.writeConfig({ serverUrl: "https://kith.example" })
    expect(home.readConfig()).toEqual({ serverUrl: "https://kith.example" })
    expect(statSync(home.dir).mode & 0o077).toBe(0)
    home.createStoreFile()
    expect(statSync(home.storePath).mode & 0o077).toBe(0)
    writeFileSync(home.storePath + "-wal", "x")
    expect(home.hasDevice()).toBe(true)
    home.wipe()
    expect(home.hasDevice()).toBe(false)
    expect(home.readConfig()).toBeUndefined()
    expect(() => statSync(home.storePath + "-wal")).toThrow()
  })
})

describe("resolveServerUrl", () => {
  it("prefers the flag, then the home's server, then KITH_SERVER, then the default", () => {
    const env = { KITH_SERVER: "http://env:1" }
    expect(resolveServerUrl("http://flag:1/", "http://home:1", env)).toBe("http://flag:1")
    expect(resolveServerUrl(undefined, "http://home:1", env)).toBe("http://home:1")
    expect(resolveServerUrl(undefined, undefined, env)).toBe("http://env:1")
    expect(resolveServerUrl(undefined, undefined, {})).toBe(DEFAULT_SERVER)
  })

  it("refuses anything that is not an http(s) URL as a usage error", () => {
    expect(() => checkServerUrl("localhost:8080")).toThrow(UsageError)
    expect(() => checkServerUrl("ftp://kith.example")).toThrow(UsageError)
    expect(() => checkServerUrl("not a url")).toThrow(UsageError)
  })
})
