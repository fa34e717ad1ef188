import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fromBase64Url, SignatureContext, signChallenge, toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import {
  addDevice,
  openSessionBody,
  randomBytes,
  registerAccount,
  sessionChallenge,
} from "../../testing/identities"

let t: TestServer
let now = Date.UTC(2030, 0, 1)
beforeAll(async () => {
  t = await startTestServer({ now: () => now })
})
afterAll(() => t.close())

describe("[H3] sessions", () => {
  it("opens a session for a device that signed a fresh challenge", async () => {
    const account = await registerAccount(t.url)
    const device = await addDevice(t.url, account)
    const res = await call(t.url, "openSession", { body: await openSessionBody(t.url, device) })
    expect(res.status).toBe(200)
    expect(res.body.accountId).toBe(account.accountId)
    expect(res.body.expiresAtMs).toBe(now + 24 * 3600 * 1000)
    const token = res.body.token as string
    expect(fromBase64Url(token)).toHaveLength(32)
    // The session works on a session route.
    expect((await call(t.url, "keyPackageCount", { token })).status).toBe(200)
  })

  it("records only the day the device was last seen", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    now += 3 * 86_400_000
    await call(t.url, "openSession", { body: await openSessionBody(t.url, device) })
    const [row] = t.query<{ last_seen_day: number }>(
      "select last_seen_day from devices where id = ?",
      device.deviceId,
    )
    expect(row!.last_seen_day).toBe(Math.floor(now / 86_400_000))
  })

  it("refuses a replayed challenge with KITH_ERR_UNAUTHENTICATED", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const body = await openSessionBody(t.url, device)
    expect((await call(t.url, "openSession", { body })).status).toBe(200)
    const res = await call(t.url, "openSession", { body })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })

  it("refuses a challenge it never gave, and one older than 60 seconds", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const invented = randomBytes(32)
    const res = await call(t.url, "openSession", {
      body: {
        deviceId: device.deviceId,
        challenge: toBase64Url(invented),
        signature: toBase64Url(signChallenge(SignatureContext.session, invented, device.privateKey)),
      },
    })
    expect(res.body.code).toBe("KITH_ERR_UNAUTHENTICATED")

    const body = await openSessionBody(t.url, device)
    now += 61_000
    const late = await call(t.url, "openSession", { body })
    expect(late.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })

  it("refuses a signature by another key (even the account key) with KITH_ERR_BAD_SIGNATURE", async () => {
    const account = await registerAccount(t.url)
    const device = await addDevice(t.url, account)
    const challenge = await sessionChallenge(t.url)
    const res = await call(t.url, "openSession", {
      body: {
        deviceId: device.deviceId,
        challenge: toBase64Url(challenge),
        signature: toBase64Url(signChallenge(SignatureContext.session, challenge, account.privateKey)),
      },
    })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_SIGNATURE")
  })

  it("refuses a signature made for another purpose", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const challenge = await sessionChallenge(t.url)
    const res = await call(t.url, "openSession", {
      body: {
        deviceId: device.deviceId,
        challenge: toBase64Url(challenge),
        signature: toBase64Url(signChallenge(SignatureContext.register, challenge, device.privateKey)),
      },
    })
    expect(res.body.code).toBe("KITH_ERR_BAD_SIGNATURE")
  })

  it("answers an unknown device with KITH_ERR_NOT_FOUND", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const body = await openSessionBody(t.url, device)
    const res = await call(t.url, "openSession", {
      body: { ...body, deviceId: toBase64Url(randomBytes(16)) },
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe("KITH_ERR_NOT_FOUND")
  })

  it("answers malformed bodies with KITH_ERR_BAD_REQUEST", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const body = await openSessionBody(t.url, device)
    for (const bad of [
      { ...body, deviceId: body.deviceId.slice(1) },
      { ...body, extra: 1 },
      { deviceId: body.deviceId, challenge: body.challenge },
      { ...body, signature: 42 },
    ]) {
      const res = await call(t.url, "openSession", { body: bad })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_REQUEST")
    }
  })

  it("expires a session after 24 hours", async () => {
    const device = await addDevice(t.url, await registerAccount(t.url))
    const { token } = (
      await call<{ token: string }>(t.url, "openSession", { body: await openSessionBody(t.url, device) })
    ).body
    now += 24 * 3600 * 1000
    const res = await call(t.url, "keyPackageCount", { token })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })
})
