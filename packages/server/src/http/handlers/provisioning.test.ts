import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newUser, randomBytes, type TestUser } from "../../testing/identities"

let t: TestServer
let now = Date.UTC(2030, 0, 1)
let alice: TestUser
let bob: TestUser
beforeAll(async () => {
  t = await startTestServer({ now: () => now })
  alice = await newUser(t.url)
  bob = await newUser(t.url)
})
afterAll(() => t.close())

const open = async (user: TestUser) =>
  (await call<{ provisioningId: string }>(t.url, "createProvisioning", { token: user.token })).body
    .provisioningId
const message = () => ({ ciphertext: toBase64Url(randomBytes(200)) })

describe("device linking slots", () => {
  it("relays a request to the owner and a response to the new device, then closes", async () => {
    const provisioningId = await open(alice)
    const params = { provisioningId }
    expect((await call(t.url, "getProvisioningRequest", { token: alice.token, params })).status).toBe(404)

    const request = message()
    expect((await call(t.url, "putProvisioningRequest", { params, body: request })).status).toBe(204)
    const read = await call(t.url, "getProvisioningRequest", { token: alice.token, params })
    expect(read.status).toBe(200)
    expect(read.body).toEqual(request)

    expect((await call(t.url, "getProvisioningResponse", { params })).status).toBe(404)
    const response = message()
    expect(
      (await call(t.url, "putProvisioningResponse", { token: alice.token, params, body: response })).status,
    ).toBe(204)
    const taken = await call(t.url, "getProvisioningResponse", { params })
    expect(taken.status).toBe(200)
    expect(taken.body).toEqual(response)
    // The slot is closed once the response was read.
    const gone = await call(t.url, "getProvisioningResponse", { params })
    expect(gone.status).toBe(404)
    expect(gone.body.code).toBe("KITH_ERR_NOT_FOUND")
    expect((await call(t.url, "getProvisioningRequest", { token: alice.token, params })).status).toBe(404)
  })

  it("accepts each message once (KITH_ERR_CONFLICT after)", async () => {
    const params = { provisioningId: await open(alice) }
    await call(t.url, "putProvisioningRequest", { params, body: message() })
    const second = await call(t.url, "putProvisioningRequest", { params, body: message() })
    expect(second.status).toBe(409)
    expect(second.body.code).toBe("KITH_ERR_CONFLICT")
    await call(t.url, "putProvisioningResponse", { token: alice.token, params, body: message() })
    const again = await call(t.url, "putProvisioningResponse", {
      token: alice.token,
      params,
      body: message(),
    })
    expect(again.body.code).toBe("KITH_ERR_CONFLICT")
  })

  it("shows a slot only to its owner: others get KITH_ERR_NOT_FOUND", async () => {
    const params = { provisioningId: await open(alice) }
    await call(t.url, "putProvisioningRequest", { params, body: message() })
    const peek = await call(t.url, "getProvisioningRequest", { token: bob.token, params })
    expect(peek.status).toBe(404)
    expect(peek.body.code).toBe("KITH_ERR_NOT_FOUND")
    const answer = await call(t.url, "putProvisioningResponse", { token: bob.token, params, body: message() })
    expect(answer.body.code).toBe("KITH_ERR_NOT_FOUND")
  })

  it("forgets slots after 10 minutes", async () => {
    const params = { provisioningId: await open(alice) }
    now += 10 * 60 * 1000
    const late = await call(t.url, "putProvisioningRequest", { params, body: message() })
    expect(late.status).toBe(404)
    expect(late.body.code).toBe("KITH_ERR_NOT_FOUND")
  })

  it("answers unknown ids with KITH_ERR_NOT_FOUND and malformed input with KITH_ERR_BAD_REQUEST", async () => {
    const params = { provisioningId: toBase64Url(randomBytes(16)) }
    expect((await call(t.url, "putProvisioningRequest", { params, body: message() })).body.code).toBe(
      "KITH_ERR_NOT_FOUND",
    )
    expect((await call(t.url, "getProvisioningResponse", { params })).body.code).toBe("KITH_ERR_NOT_FOUND")
    const real = { provisioningId: await open(alice) }
    expect((await call(t.url, "putProvisioningRequest", { params: real, body: {} })).body.code).toBe(
      "KITH_ERR_BAD_REQUEST",
    )
    expect(
      (await call(t.url, "putProvisioningRequest", { params: { provisioningId: "short" }, body: message() }))
        .body.code,
    ).toBe("KITH_ERR_BAD_REQUEST")
  })

  it("needs a session to open, read the request and answer", async () => {
    const params = { provisioningId: await open(alice) }
    expect((await call(t.url, "createProvisioning", {})).status).toBe(401)
    expect((await call(t.url, "getProvisioningRequest", { params })).status).toBe(401)
    expect((await call(t.url, "putProvisioningResponse", { params, body: message() })).status).toBe(401)
  })
})
