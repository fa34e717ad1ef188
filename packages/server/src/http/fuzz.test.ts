import { connect } from "node:net"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import fc from "fast-check"
import { Value } from "@sinclair/typebox/value"
import { isErrorCode, Routes, type RouteName, type RouteSpec } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call, request } from "../testing/httpClient"
import { newUser, type TestUser } from "../testing/identities"
import { makeKeyPackages } from "../testing/keyPackages"

let t: TestServer
let alice: TestUser
beforeAll(async () => {
  t = await startTestServer()
  alice = await newUser(t.url)
})
afterAll(() => t.close())

// Deleting the account would only make every later session call a 401: true, but it stops the fuzzing.
const routeNames = (Object.keys(Routes) as RouteName[]).filter((name) => name !== "deleteAccount")

/** A response is either a typed error or exactly what the route's schema promises. */
function checkResponse(spec: RouteSpec, res: { status: number; body: unknown }): void {
  expect(res.status).toBeLessThan(500)
  if (res.status >= 400) {
    const body = res.body as { code?: unknown; message?: unknown }
    expect(isErrorCode(body.code), JSON.stringify(body)).toBe(true)
    expect(typeof body.message).toBe("string")
    return
  }
  if (spec.response === undefined) {
    expect(res.status).toBe(204)
  } else {
    expect(res.status).toBe(200)
    expect(Value.Check(spec.response, res.body), JSON.stringify(res.body)).toBe(true)
  }
}

const paramValue = fc.oneof(
  fc.string(),
  fc.base64String().map((s) => s.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_")),
  fc.constantFrom("A".repeat(22), "A".repeat(43), "someone", "..", "%00"),
)

describe("HTTP endpoints under random input", () => {
  it("answer random JSON with a typed error or a valid reply", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routeNames),
        fc.record({
          accountId: paramValue,
          deviceId: paramValue,
          provisioningId: paramValue,
          accountPublicKey: paramValue,
          username: paramValue,
        }),
        fc.jsonValue(),
        fc.boolean(),
        async (name, params, body, withSession) => {
          const spec: RouteSpec = Routes[name]
          const res = await call(t.url, name, {
            params,
            body: spec.method === "GET" ? undefined : body,
            token: withSession ? alice.token : undefined,
          })
          checkResponse(spec, res)
        },
      ),
      { numRuns: 300 },
    )
  })

  it("answer random bytes and objects shaped like the schemas with a typed error or a valid reply", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routeNames.filter((name) => Routes[name].method !== "GET")),
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
          fc
            .dictionary(
              fc.constantFrom(
                "challenge",
                "nonce",
                "signature",
                "accountPublicKey",
                "certificate",
                "deviceId",
                "username",
                "ciphertext",
                "verifier",
                "keyPackages",
                "lastResort",
                "excludeDeviceIds",
                "__proto__",
                "constructor",
              ),
              fc.oneof(paramValue, fc.array(paramValue, { maxLength: 3 }), fc.integer()),
            )
            .map((o) => JSON.stringify(o)),
        ),
        async (name, rawBody) => {
          const spec: RouteSpec = Routes[name]
          const path = spec.url.replace(/:(\w+)/g, "A".repeat(22))
          checkResponse(spec, await request(t.url, spec.method, path, { rawBody, token: alice.token }))
        },
      ),
      { numRuns: 200 },
    )
  })

  it("still serves a normal client afterwards", async () => {
    const bob = await newUser(t.url)
    const upload = await call(t.url, "uploadKeyPackages", {
      token: bob.token,
      body: { keyPackages: await makeKeyPackages(bob.device, 1) },
    })
    expect(upload.status).toBe(204)
    const claim = await call(t.url, "claimKeyPackages", {
      token: alice.token,
      params: { accountId: bob.account.accountId },
      body: {},
    })
    expect(claim.status).toBe(200)
    expect((await request(t.url, "GET", "/healthz")).status).toBe(200)
  })
})

describe("HTTP endpoints under hostile bodies", () => {
  const profile = (rawBody: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    fetch(t.url + "/v1/profile", {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice.token}`, ...headers },
      body: rawBody,
    })

  it("refuses compressed bodies (a gzip bomb is never inflated)", async () => {
    // 64 MiB of zeros shrinks to ~64 KiB: inflating it would cost a thousand times what it cost to send.
    const bomb = new Uint8Array(gzipSync(Buffer.alloc(64 * 1024 * 1024)))
    for (const encoding of ["gzip", "deflate", "br"]) {
      const res = await profile(bomb, { "content-encoding": encoding })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { code: string; message: string }
      expect(body.code).toBe("KITH_ERR_BAD_REQUEST")
      expect(body.message).toMatch(/compressed/)
    }
  })

  it("answers a length claiming gigabytes with KITH_ERR_TOO_LARGE before reading anything", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(t.url).port), "127.0.0.1", () => {
        socket.write(
          "PUT /v1/profile HTTP/1.1\r\nHost: kith\r\ncontent-type: application/json\r\n" +
            `authorization: Bearer ${alice.token}\r\ncontent-length: 10737418240\r\n\r\n{"ciphertext":"`,
        )
      })
      let said = ""
      socket.on("data", (chunk: Buffer) => {
        said += chunk.toString()
        if (said.includes("\r\n\r\n") && said.includes("}")) {
          socket.destroy()
          resolve(said)
        }
      })
      socket.on("error", reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer).toContain("KITH_ERR_TOO_LARGE")
  })

  it("answers deeply nested and very wide JSON with a typed error", async () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000)
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, i])))
    for (const rawBody of [deep, wide, `{"ciphertext":${deep}}`]) {
      const res = await profile(rawBody)
      expect(res.status).toBe(400)
      expect(((await res.json()) as { code: string }).code).toBe("KITH_ERR_BAD_REQUEST")
    }
  })

  it("keeps serving a normal client after them", async () => {
    const res = await call(t.url, "putProfile", { token: alice.token, body: { ciphertext: "AAAA" } })
    expect(res.status).toBe(204)
    expect(
      (
        await call(t.url, "getProfile", {
          token: alice.token,
          params: { accountId: alice.account.accountId },
        })
      ).body,
    ).toEqual({ ciphertext: "AAAA" })
  })
})
