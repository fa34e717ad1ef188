import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits, SignatureContext, signChallenge, signDeviceCertificate, toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import {
  addDevice,
  addDeviceBody,
  certifyDevice,
  newKeyPair,
  newUser,
  openSession,
  randomBytes,
  registerAccount,
  sessionChallenge,
} from "../../testing/identities"
import { TestSocket } from "../../testing/wsClient"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

describe("[H2] adding a device", () => {
  it("adds a device certified by the account key, with an empty mailbox", async () => {
    const account = await registerAccount(t.url)
    const { certificate, deviceIdBytes } = certifyDevice(account)
    const res = await call(t.url, "addDevice", { body: await addDeviceBody(t.url, account, certificate) })
    expect(res.status).toBe(200)
    expect(res.body.deviceId).toBe(toBase64Url(deviceIdBytes))
    const [row] = t.query<{ account_id: string; next_seq: number }>(
      "select account_id, next_seq from devices where id = ?",
      res.body.deviceId,
    )
    expect(row).toEqual({ account_id: account.accountId, next_seq: 1 })
  })

  it("refuses a replayed challenge", async () => {
    const account = await registerAccount(t.url)
    const body = await addDeviceBody(t.url, account, certifyDevice(account).certificate)
    expect((await call(t.url, "addDevice", { body })).status).toBe(200)
    const again = await call(t.url, "addDevice", { body })
    expect(again.status).toBe(401)
    expect(again.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })

  it("refuses a certificate that does not verify", async () => {
    const account = await registerAccount(t.url)
    const certificate = certifyDevice(account).certificate
    certificate[certificate.length - 1] = certificate[certificate.length - 1]! ^ 1
    const res = await call(t.url, "addDevice", { body: await addDeviceBody(t.url, account, certificate) })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_CERTIFICATE")
  })

  it("refuses a certificate signed by a key that is not the account's registered key", async () => {
    const account = await registerAccount(t.url)
    const impostor = { ...account, ...newKeyPair() }
    const res = await call(t.url, "addDevice", {
      body: await addDeviceBody(t.url, impostor, certifyDevice(impostor).certificate),
    })
    expect(res.body.code).toBe("KITH_ERR_BAD_CERTIFICATE")
  })

  it("refuses a certificate for an account that does not exist", async () => {
    const ghost = { accountId: "", accountIdBytes: randomBytes(16), ...newKeyPair() }
    const res = await call(t.url, "addDevice", {
      body: await addDeviceBody(t.url, ghost, certifyDevice(ghost).certificate),
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe("KITH_ERR_NOT_FOUND")
  })

  it("refuses a signature that does not cover the certificate", async () => {
    const account = await registerAccount(t.url)
    const { certificate } = certifyDevice(account)
    const challenge = await sessionChallenge(t.url)
    const res = await call(t.url, "addDevice", {
      body: {
        certificate: toBase64Url(certificate),
        challenge: toBase64Url(challenge),
        signature: toBase64Url(signChallenge(SignatureContext.addDevice, challenge, account.privateKey)),
      },
    })
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_SIGNATURE")
  })

  it("refuses a device id that exists (in any account)", async () => {
    const account = await registerAccount(t.url)
    const first = await addDevice(t.url, account)
    const other = await registerAccount(t.url)
    const { certificate } = certifyDevice(other, newKeyPair(), first.deviceIdBytes)
    const res = await call(t.url, "addDevice", { body: await addDeviceBody(t.url, other, certificate) })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe("KITH_ERR_CONFLICT")
  })

  it(`refuses a device beyond ${Limits.maxDevicesPerAccount} with KITH_ERR_FORBIDDEN`, async () => {
    const account = await registerAccount(t.url)
    for (let i = 0; i < Limits.maxDevicesPerAccount; i++) await addDevice(t.url, account)
    const res = await call(t.url, "addDevice", {
      body: await addDeviceBody(t.url, account, certifyDevice(account).certificate),
    })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe("KITH_ERR_FORBIDDEN")
  })

  it("refuses a certificate with wrong field sizes", async () => {
    const account = await registerAccount(t.url)
    const certificate = signDeviceCertificate(
      {
        accountId: account.accountIdBytes,
        accountPublicKey: account.publicKey,
        deviceId: randomBytes(8),
        devicePublicKey: newKeyPair().publicKey,
        issuedAtMs: 1n,
      },
      account.privateKey,
    )
    const res = await call(t.url, "addDevice", { body: await addDeviceBody(t.url, account, certificate) })
    expect(res.body.code).toBe("KITH_ERR_BAD_CERTIFICATE")
  })
})

describe("removing a device", () => {
  it("removes one of the caller's devices, ends its sessions and closes its socket", async () => {
    const user = await newUser(t.url)
    const second = await addDevice(t.url, user.account)
    const secondToken = await openSession(t.url, second)
    const socket = await TestSocket.connect(t.url)
    await socket.authenticate(secondToken)

    const res = await call(t.url, "removeDevice", {
      token: user.token,
      params: { deviceId: second.deviceId },
    })
    expect(res.status).toBe(204)
    expect((await socket.closed).code).toBe(4003)
    expect((await call(t.url, "keyPackageCount", { token: secondToken })).body.code).toBe(
      "KITH_ERR_UNAUTHENTICATED",
    )
    expect(t.query("select id from devices where id = ?", second.deviceId)).toEqual([])
  })

  it("answers another account's device like a missing one: KITH_ERR_NOT_FOUND", async () => {
    const alice = await newUser(t.url)
    const bob = await newUser(t.url)
    const res = await call(t.url, "removeDevice", {
      token: alice.token,
      params: { deviceId: bob.device.deviceId },
    })
    expect(res.status).toBe(404)
    expect(res.body.code).toBe("KITH_ERR_NOT_FOUND")
    const missing = await call(t.url, "removeDevice", {
      token: alice.token,
      params: { deviceId: toBase64Url(randomBytes(16)) },
    })
    expect(missing.body).toEqual(res.body)
    expect(t.query("select id from devices where id = ?", bob.device.deviceId)).toHaveLength(1)
  })

  it("needs a session and a well-formed id", async () => {
    const alice = await newUser(t.url)
    const res = await call(t.url, "removeDevice", { params: { deviceId: alice.device.deviceId } })
    expect(res.status).toBe(401)
    expect(res.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
    const bad = await call(t.url, "removeDevice", { token: alice.token, params: { deviceId: "short" } })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe("KITH_ERR_BAD_REQUEST")
  })
})
