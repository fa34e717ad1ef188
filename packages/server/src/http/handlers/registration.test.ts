import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  checkProofOfWork,
  fromBase64Url,
  solveProofOfWork,
  SignatureContext,
  signChallenge,
  toBase64Url,
} from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newKeyPair, registrationBody } from "../../testing/identities"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

describe("[H1] registration", () => {
  it("gives a challenge with the configured difficulty", async () => {
    const res = await call(t.url, "registrationChallenge")
    expect(res.status).toBe(200)
    expect(res.body.difficulty).toBe(4)
    expect(fromBase64Url(res.body.challenge as string)).toHaveLength(40)
  })

  it("registers a key that paid the work and signed the challenge, with a random account id", async () => {
    const { publicKey, privateKey } = newKeyPair()
    const res = await call(t.url, "registerAccount", {
      body: await registrationBody(t.url, publicKey, privateKey),
    })
    expect(res.status).toBe(200)
    expect(fromBase64Url(res.body.accountId as string)).toHaveLength(16)
    const rows = t.query<{ id: string }>("select id from accounts where id = ?", res.body.accountId)
    expect(rows).toHaveLength(1)
  })

  it("refuses a replayed challenge", async () => {
    const keys = newKeyPair()
    const body = await registrationBody(t.url, keys.publicKey, keys.privateKey)
    expect((await call(t.url, "registerAccount", { body })).status).toBe(200)
    const other = newKeyPair()
    const challenge = fromBase64Url(body.challenge)!
    const replay = {
      ...body,
      accountPublicKey: toBase64Url(other.publicKey),
      signature: toBase64Url(signChallenge(SignatureContext.register, challenge, other.privateKey)),
    }
    const res = await call(t.url, "registerAccount", { body: replay })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_PROOF_OF_WORK")
  })

  it("refuses a challenge the server did not make", async () => {
    const keys = newKeyPair()
    const body = await registrationBody(t.url, keys.publicKey, keys.privateKey)
    const forged = fromBase64Url(body.challenge)!
    forged[39] = forged[39]! ^ 1
    const res = await call(t.url, "registerAccount", {
      body: {
        ...body,
        challenge: toBase64Url(forged),
        nonce: toBase64Url(solveProofOfWork(forged, 4)),
        signature: toBase64Url(signChallenge(SignatureContext.register, forged, keys.privateKey)),
      },
    })
    expect(res.body.code).toBe("KITH_ERR_PROOF_OF_WORK")
  })

  it("refuses a nonce that does not meet the difficulty", async () => {
    const keys = newKeyPair()
    const body = await registrationBody(t.url, keys.publicKey, keys.privateKey)
    const challenge = fromBase64Url(body.challenge)!
    // Find a nonce that fails: with difficulty 4, most do.
    let nonce = 0
    while (checkProofOfWork(challenge, new Uint8Array([nonce]), 4)) nonce++
    const res = await call(t.url, "registerAccount", {
      body: { ...body, nonce: toBase64Url(new Uint8Array([nonce])) },
    })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_PROOF_OF_WORK")
  })

  it("refuses a signature by another key", async () => {
    const keys = newKeyPair()
    const other = newKeyPair()
    const body = await registrationBody(t.url, keys.publicKey, other.privateKey)
    const res = await call(t.url, "registerAccount", { body })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_SIGNATURE")
  })

  it("refuses a key that is already registered", async () => {
    const keys = newKeyPair()
    expect(
      (
        await call(t.url, "registerAccount", {
          body: await registrationBody(t.url, keys.publicKey, keys.privateKey),
        })
      ).status,
    ).toBe(200)
    const res = await call(t.url, "registerAccount", {
      body: await registrationBody(t.url, keys.publicKey, keys.privateKey),
    })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe("KITH_ERR_CONFLICT")
  })

  it.each([
    ["a missing field", (b: Record<string, string>) => ({ ...b, nonce: undefined })],
    ["an extra field", (b: Record<string, string>) => ({ ...b, phoneNumber: "+15550100" })],
    [
      "a short key",
      (b: Record<string, string>) => ({ ...b, accountPublicKey: b.accountPublicKey!.slice(0, 40) }),
    ],
    ["bad base64", (b: Record<string, string>) => ({ ...b, signature: "!" + b.signature!.slice(1) })],
    [
      "non-canonical base64",
      (b: Record<string, string>) => ({ ...b, accountPublicKey: b.accountPublicKey!.slice(0, 42) + "B" }),
    ],
  ])("answers %s with KITH_ERR_BAD_REQUEST", async (_what, mutate) => {
    const keys = newKeyPair()
    const body = await registrationBody(t.url, keys.publicKey, keys.privateKey)
    const res = await call(t.url, "registerAccount", { body: mutate(body) })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_REQUEST")
  })
})
