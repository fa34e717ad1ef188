import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits, Routes, type RouteName } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call, request } from "../testing/httpClient"
import { newUser, type TestUser } from "../testing/identities"

let t: TestServer
let alice: TestUser
beforeAll(async () => {
  t = await startTestServer()
  alice = await newUser(t.url)
})
afterAll(() => t.close())

const id = "A".repeat(22)
const sampleParams = {
  accountId: id,
  deviceId: id,
  provisioningId: id,
  accountPublicKey: "A".repeat(43),
  username: "someone",
}

describe("the route table", () => {
  it("registers exactly the routes of Routes, as the OpenAPI description shows", async () => {
    const res = await request<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      t.url,
      "GET",
      "/openapi.json",
    )
    expect(res.status).toBe(200)
    const operations = Object.entries(res.body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${op.operationId} ${method.toUpperCase()} ${path}`),
    )
    const expected = (Object.keys(Routes) as RouteName[]).map((name) => {
      const spec = Routes[name]
      return `${name} ${spec.method} ${spec.url.replace(/:(\w+)/g, "{$1}")}`
    })
    expect(operations.sort()).toEqual(expected.sort())
  })

  it.each((Object.keys(Routes) as RouteName[]).filter((name) => Routes[name].auth === "session"))(
    "%s needs a session: KITH_ERR_UNAUTHENTICATED without one",
    async (name) => {
      for (const token of [undefined, "not-a-real-token-at-all"]) {
        const body = Routes[name].method === "GET" ? undefined : {}
        const res = await call(t.url, name, { params: sampleParams, body, token })
        expect(res.status).toBe(401)
        expect(res.body).toEqual({ code: "KITH_ERR_UNAUTHENTICATED", message: expect.any(String) })
      }
    },
  )

  it("answers unknown routes and methods with KITH_ERR_NOT_FOUND", async () => {
    for (const [method, path] of [
      ["GET", "/v1/nothing-here"],
      ["GET", "/v1/accounts"],
      ["PATCH", "/v1/profile"],
      ["GET", "/"],
    ] as const) {
      const res = await request(t.url, method, path)
      expect(res.status).toBe(404)
      expect(res.body).toEqual({ code: "KITH_ERR_NOT_FOUND", message: expect.any(String) })
    }
  })

  it("answers malformed JSON, wrong content types and oversized bodies with typed errors", async () => {
    const malformed = await request(t.url, "PUT", "/v1/profile", { rawBody: "{nope", token: alice.token })
    expect(malformed.status).toBe(400)
    expect(malformed.body.code).toBe("KITH_ERR_BAD_REQUEST")

    const text = await request(t.url, "PUT", "/v1/profile", {
      rawBody: "hello",
      token: alice.token,
      headers: { "content-type": "text/plain" },
    })
    expect(text.status).toBe(400)
    expect(text.body.code).toBe("KITH_ERR_BAD_REQUEST")

    const huge = await request(t.url, "PUT", "/v1/profile", {
      token: alice.token,
      rawBody: JSON.stringify({ ciphertext: "A".repeat(Limits.maxHttpBodyBytes) }),
    })
    expect(huge.status).toBe(413)
    expect(huge.body.code).toBe("KITH_ERR_TOO_LARGE")
  })

  it("puts no stack traces or internals in error bodies", async () => {
    const res = await request(t.url, "POST", "/v1/accounts", { rawBody: '{"accountPublicKey": [1,2,3]}' })
    expect(Object.keys(res.body).sort()).toEqual(["code", "message"])
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts|node_modules|FST_/)
  })

  it("accepts an empty JSON body on routes that take none", async () => {
    const res = await request(t.url, "POST", "/v1/sessions/challenge", { rawBody: "" })
    expect(res.status).toBe(200)
  })
})

describe("operations endpoints", () => {
  it("reports health after asking the database", async () => {
    const res = await request(t.url, "GET", "/healthz")
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: "ok" })
  })

  it("serves Prometheus metrics labelled by route pattern", async () => {
    await call(t.url, "getAccount", { token: alice.token, params: { accountId: alice.account.accountId } })
    const res = await request<string>(t.url, "GET", "/metrics")
    expect(res.status).toBe(200)
    expect(res.body).toContain(
      'kith_http_requests_total{method="GET",route="/v1/accounts/:accountId",status="200"}',
    )
    expect(res.body).toContain("kith_ws_connections")
    expect(res.body).not.toContain(alice.account.accountId)
  })
})

describe("anonymous rate limit", () => {
  it("limits requests without a session per (hashed) IP with KITH_ERR_RATE_LIMITED", async () => {
    const limited = await startTestServer({ anonymousRequestsPerMinute: 3 })
    try {
      for (let i = 0; i < 3; i++) expect((await call(limited.url, "sessionChallenge")).status).toBe(200)
      const res = await call(limited.url, "sessionChallenge")
      expect(res.status).toBe(429)
      expect(res.body.code).toBe("KITH_ERR_RATE_LIMITED")
      expect(res.body.retryAfterMs).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })
})
