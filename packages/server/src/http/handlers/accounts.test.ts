import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { addDevice, newKeyPair, newUser, randomBytes } from "../../testing/identities"
import { TestSocket } from "../../testing/wsClient"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

describe("account records", () => {
  it("shows an account's key and certified devices to any session", async () => {
    const alice = await newUser(t.url)
    const second = await addDevice(t.url, alice.account)
    const bob = await newUser(t.url)
    const res = await call(t.url, "getAccount", {
      token: bob.token,
      params: { accountId: alice.account.accountId },
    })
    expect(res.status).toBe(200)
    expect(res.body.accountId).toBe(alice.account.accountId)
    expect(res.body.accountPublicKey).toBe(toBase64Url(alice.account.publicKey))
    const devices = res.body.devices as { deviceId: string; certificate: string }[]
    expect(devices.map((d) => d.deviceId).sort()).toEqual([alice.device.deviceId, second.deviceId].sort())
    const mine = devices.find((d) => d.deviceId === second.deviceId)!
    expect(mine.certificate).toBe(toBase64Url(second.certificate))
  })

  it("answers an unknown account with KITH_ERR_NOT_FOUND, a bad id with KITH_ERR_BAD_REQUEST, no session with 401", async () => {
    const alice = await newUser(t.url)
    const missing = await call(t.url, "getAccount", {
      token: alice.token,
      params: { accountId: toBase64Url(randomBytes(16)) },
    })
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe("KITH_ERR_NOT_FOUND")
    const bad = await call(t.url, "getAccount", { token: alice.token, params: { accountId: "%%%" } })
    expect(bad.body.code).toBe("KITH_ERR_BAD_REQUEST")
    const anonymous = await call(t.url, "getAccount", { params: { accountId: alice.account.accountId } })
    expect(anonymous.status).toBe(401)
    expect(anonymous.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
    const wrongToken = await call(t.url, "getAccount", {
      token: toBase64Url(randomBytes(32)),
      params: { accountId: alice.account.accountId },
    })
    expect(wrongToken.body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })

  it("finds an account by its public key (recovery), without a session", async () => {
    const alice = await newUser(t.url)
    const res = await call(t.url, "lookupAccountByKey", {
      params: { accountPublicKey: toBase64Url(alice.account.publicKey) },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ accountId: alice.account.accountId })
    const unknown = await call(t.url, "lookupAccountByKey", {
      params: { accountPublicKey: toBase64Url(newKeyPair().publicKey) },
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.code).toBe("KITH_ERR_NOT_FOUND")
    const bad = await call(t.url, "lookupAccountByKey", { params: { accountPublicKey: "abc" } })
    expect(bad.body.code).toBe("KITH_ERR_BAD_REQUEST")
  })

  it("[H7] deletes the caller's account: its sessions end and its record is gone", async () => {
    const alice = await newUser(t.url)
    const bob = await newUser(t.url)
    const socket = await TestSocket.connect(t.url)
    await socket.authenticate(alice.token)
    const res = await call(t.url, "deleteAccount", { token: alice.token })
    expect(res.status).toBe(204)
    expect((await socket.closed).code).toBe(4003)
    expect((await call(t.url, "keyPackageCount", { token: alice.token })).status).toBe(401)
    const lookup = await call(t.url, "getAccount", {
      token: bob.token,
      params: { accountId: alice.account.accountId },
    })
    expect(lookup.body.code).toBe("KITH_ERR_NOT_FOUND")
    expect((await call(t.url, "deleteAccount", {})).body.code).toBe("KITH_ERR_UNAUTHENTICATED")
  })
})
