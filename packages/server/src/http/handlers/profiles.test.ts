import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits, toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newUser, randomBytes, type TestUser } from "../../testing/identities"

let t: TestServer
let alice: TestUser
let bob: TestUser
beforeAll(async () => {
  t = await startTestServer()
  alice = await newUser(t.url)
  bob = await newUser(t.url)
})
afterAll(() => t.close())

describe("[H6] profiles", () => {
  it("stores an opaque ciphertext and returns it to others", async () => {
    const ciphertext = toBase64Url(randomBytes(300))
    expect((await call(t.url, "putProfile", { token: alice.token, body: { ciphertext } })).status).toBe(204)
    const res = await call(t.url, "getProfile", {
      token: bob.token,
      params: { accountId: alice.account.accountId },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ciphertext })
    const replaced = toBase64Url(randomBytes(10))
    await call(t.url, "putProfile", { token: alice.token, body: { ciphertext: replaced } })
    expect(
      (await call(t.url, "getProfile", { token: bob.token, params: { accountId: alice.account.accountId } }))
        .body,
    ).toEqual({ ciphertext: replaced })
  })

  it("answers an account without a profile, or no account, with KITH_ERR_NOT_FOUND", async () => {
    const res = await call(t.url, "getProfile", {
      token: alice.token,
      params: { accountId: bob.account.accountId },
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe("KITH_ERR_NOT_FOUND")
    const none = await call(t.url, "getProfile", {
      token: alice.token,
      params: { accountId: toBase64Url(randomBytes(16)) },
    })
    expect(none.body.code).toBe("KITH_ERR_NOT_FOUND")
  })

  it("refuses oversized, malformed and anonymous requests", async () => {
    const big = await call(t.url, "putProfile", {
      token: alice.token,
      body: { ciphertext: toBase64Url(randomBytes(Limits.maxProfileBytes + 1000)) },
    })
    expect(big.status).toBe(400)
    expect(big.body.code).toBe("KITH_ERR_BAD_REQUEST")
    expect(
      (await call(t.url, "putProfile", { token: alice.token, body: { ciphertext: "" } })).body.code,
    ).toBe("KITH_ERR_BAD_REQUEST")
    expect((await call(t.url, "putProfile", { token: alice.token, body: {} })).body.code).toBe(
      "KITH_ERR_BAD_REQUEST",
    )
    expect((await call(t.url, "putProfile", { body: { ciphertext: "AAAA" } })).status).toBe(401)
    // Reading needs no session ([H6]): a session would name the reader.
    expect((await call(t.url, "getProfile", { params: { accountId: alice.account.accountId } })).status).toBe(
      200,
    )
  })
})

describe("delivery verifier", () => {
  it("stores the 32-byte verifier on the account", async () => {
    const verifier = randomBytes(32)
    const res = await call(t.url, "setDeliveryVerifier", {
      token: alice.token,
      body: { verifier: toBase64Url(verifier) },
    })
    expect(res.status).toBe(204)
    const [row] = t.query<{ delivery_verifier: Buffer }>(
      "select delivery_verifier from accounts where id = ?",
      alice.account.accountId,
    )
    expect(new Uint8Array(row!.delivery_verifier)).toEqual(verifier)
  })

  it("refuses a verifier of the wrong size, and anonymous callers", async () => {
    const short = await call(t.url, "setDeliveryVerifier", {
      token: alice.token,
      body: { verifier: toBase64Url(randomBytes(31)) },
    })
    expect(short.body.code).toBe("KITH_ERR_BAD_REQUEST")
    const anonymous = await call(t.url, "setDeliveryVerifier", {
      body: { verifier: toBase64Url(randomBytes(32)) },
    })
    expect(anonymous.status).toBe(401)
  })
})
