import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type RunningServer } from "../index"

describe("serving the web app", () => {
  let dir: string
  let server: RunningServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "kith-web-"))
    mkdirSync(join(dir, "web/assets"), { recursive: true })
    writeFileSync(join(dir, "web/index.html"), "<!doctype html><title>Kith</title>")
    writeFileSync(join(dir, "web/assets/app-1234.js"), "console.log(1)")
    server = await startServer({
      port: 0,
      dataDir: join(dir, "data"),
      logLevel: "silent",
      webDir: join(dir, "web"),
    })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("serves index.html at / with a strict CSP and no framing", async () => {
    const response = await fetch(server.url + "/")
    expect(response.status).toBe(200)
    expect(await response.text()).toContain("<title>Kith</title>")
    const csp = response.headers.get("content-security-policy")!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/)
    expect(response.headers.get("x-frame-options")).toBe("DENY")
    expect(response.headers.get("cache-control")).toBe("no-cache")
  })

  it("lets hashed assets be cached for good", async () => {
    const response = await fetch(server.url + "/assets/app-1234.js")
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toContain("immutable")
  })

  it("sends the same security headers on API answers and errors", async () => {
    for (const path of ["/healthz", "/v1/no-such-route"]) {
      const response = await fetch(server.url + path)
      expect(response.headers.get("content-security-policy"), path).toContain("default-src 'none'")
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff")
    }
    const missing = await fetch(server.url + "/v1/no-such-route")
    expect(missing.status).toBe(404)
    expect((await missing.json()).code).toBe("KITH_ERR_NOT_FOUND")
  })
})
