import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fromBase64Url, Limits, toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import {
  addDevice,
  certifyDevice,
  newKeyPair,
  newUser,
  openSession,
  type TestUser,
} from "../../testing/identities"
import { makeKeyPackage, makeKeyPackages } from "../../testing/keyPackages"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

const upload = (user: TestUser, keyPackages: string[], lastResort?: string) =>
  call(t.url, "uploadKeyPackages", {
    token: user.token,
    body: lastResort === undefined ? { keyPackages } : { keyPackages, lastResort },
  })
const count = async (user: TestUser) => (await call(t.url, "keyPackageCount", { token: user.token })).body
const claim = (user: TestUser, accountId: string, excludeDeviceIds?: string[]) =>
  call(t.url, "claimKeyPackages", {
    token: user.token,
    params: { accountId },
    body: excludeDeviceIds === undefined ? {} : { excludeDeviceIds },
  })

describe("[H5] key packages", () => {
  it("accepts valid key packages and counts them", async () => {
    const alice = await newUser(t.url)
    expect(await count(alice)).toEqual({ count: 0, hasLastResort: false })
    const res = await upload(
      alice,
      await makeKeyPackages(alice.device, 3),
      toBase64Url(await makeKeyPackage(alice.device)),
    )
    expect(res.status).toBe(204)
    expect(await count(alice)).toEqual({ count: 3, hasLastResort: true })
  })

  it("hands out one package per device, taking one-time ones and then reusing the last-resort one", async () => {
    const alice = await newUser(t.url)
    const second = await addDevice(t.url, alice.account)
    const aliceSecond: TestUser = {
      account: alice.account,
      device: second,
      token: await openSession(t.url, second),
    }
    const bob = await newUser(t.url)
    const [oneTime] = await makeKeyPackages(alice.device, 1)
    const lastResort = toBase64Url(await makeKeyPackage(alice.device))
    await upload(alice, [oneTime!], lastResort)
    const secondLastResort = toBase64Url(await makeKeyPackage(second))
    await upload(aliceSecond, [], secondLastResort)

    const first = await claim(bob, alice.account.accountId)
    expect(first.status).toBe(200)
    const firstPackages = first.body.keyPackages as { deviceId: string; keyPackage: string }[]
    expect(firstPackages).toHaveLength(2)
    expect(firstPackages.find((p) => p.deviceId === alice.device.deviceId)!.keyPackage).toBe(oneTime)
    expect(firstPackages.find((p) => p.deviceId === second.deviceId)!.keyPackage).toBe(secondLastResort)
    expect(await count(alice)).toEqual({ count: 0, hasLastResort: true })

    const again = await claim(bob, alice.account.accountId, [second.deviceId])
    expect(again.body.keyPackages).toEqual([{ deviceId: alice.device.deviceId, keyPackage: lastResort }])
    expect(await count(alice)).toEqual({ count: 0, hasLastResort: true })
  })

  it("replaces the last-resort package", async () => {
    const alice = await newUser(t.url)
    const bob = await newUser(t.url)
    await upload(alice, [], toBase64Url(await makeKeyPackage(alice.device)))
    const replacement = toBase64Url(await makeKeyPackage(alice.device))
    await upload(alice, [], replacement)
    const res = await claim(bob, alice.account.accountId)
    expect(res.body.keyPackages).toEqual([{ deviceId: alice.device.deviceId, keyPackage: replacement }])
    expect(t.query("select id from key_packages where device_id = ?", alice.device.deviceId)).toHaveLength(1)
  })

  it("answers an account without packages with KITH_ERR_NO_KEY_PACKAGE, an unknown one with KITH_ERR_NOT_FOUND", async () => {
    const alice = await newUser(t.url)
    const bob = await newUser(t.url)
    const none = await claim(bob, alice.account.accountId)
    expect(none.status).toBe(404)
    expect(none.body.code).toBe("KITH_ERR_NO_KEY_PACKAGE")
    const unknown = await claim(bob, toBase64Url(new Uint8Array(16)))
    expect(unknown.body.code).toBe("KITH_ERR_NOT_FOUND")
    expect((await claim(bob, "x")).body.code).toBe("KITH_ERR_BAD_REQUEST")
  })

  it("accepts a claim without a body (it means no exclusions)", async () => {
    const alice = await newUser(t.url)
    const bob = await newUser(t.url)
    await upload(alice, await makeKeyPackages(alice.device, 1))
    const res = await call(t.url, "claimKeyPackages", {
      token: bob.token,
      params: { accountId: alice.account.accountId },
    })
    expect(res.status).toBe(200)
  })

  describe("refuses the whole upload with KITH_ERR_BAD_KEY_PACKAGE", () => {
    it("for bytes that are not an MLS message", async () => {
      const alice = await newUser(t.url)
      const good = await makeKeyPackages(alice.device, 1)
      const res = await upload(alice, [...good, toBase64Url(new Uint8Array([1, 2, 3, 4]))])
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
      expect(await count(alice)).toEqual({ count: 0, hasLastResort: false })
    })

    it("for a package with trailing bytes or a flipped signature bit", async () => {
      const alice = await newUser(t.url)
      const kp = await makeKeyPackage(alice.device)
      const trailing = new Uint8Array([...kp, 0])
      expect((await upload(alice, [toBase64Url(trailing)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
      const flipped = kp.slice()
      flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1
      expect((await upload(alice, [toBase64Url(flipped)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    })

    it("for a package of another device (even of the same account)", async () => {
      const alice = await newUser(t.url)
      const second = await addDevice(t.url, alice.account)
      const res = await upload(alice, [toBase64Url(await makeKeyPackage(second))])
      expect(res.body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    })

    it("for a credential that is not a valid certificate", async () => {
      const alice = await newUser(t.url)
      const kp = await makeKeyPackage(alice.device, {
        credential: { credentialType: "basic", identity: new Uint8Array([9, 9, 9]) },
      })
      expect((await upload(alice, [toBase64Url(kp)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    })

    it("for a certificate that certifies another key than the one signing the package", async () => {
      const alice = await newUser(t.url)
      const otherKey = newKeyPair()
      const kp = await makeKeyPackage(alice.device, {
        signingKey: { signKey: otherKey.privateKey, publicKey: otherKey.publicKey },
      })
      expect((await upload(alice, [toBase64Url(kp)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    })

    it("for a certificate naming the caller's device id but signed by another account", async () => {
      const alice = await newUser(t.url)
      const mallory = await newUser(t.url)
      const forged = certifyDevice(mallory.account, alice.device, alice.device.deviceIdBytes)
      const kp = await makeKeyPackage(alice.device, {
        credential: { credentialType: "basic", identity: forged.certificate },
      })
      expect((await upload(alice, [toBase64Url(kp)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    })

    it("for an MLS message of another version or wire format", async () => {
      const alice = await newUser(t.url)
      const kp = await makeKeyPackage(alice.device)
      // MLSMessage starts with version (uint16, mls10 = 1) and wire format (uint16, key package = 5).
      expect([...kp.subarray(0, 4)]).toEqual([0, 1, 0, 5])
      for (const [offset, value] of [
        [1, 2],
        [3, 1],
        [3, 2],
      ] as const) {
        const mutated = kp.slice()
        mutated[offset] = value
        expect((await upload(alice, [toBase64Url(mutated)])).body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
      }
    })
  })

  it(`caps unclaimed one-time packages at ${Limits.maxKeyPackagesPerDevice} per device`, async () => {
    const alice = await newUser(t.url)
    const kp = toBase64Url(await makeKeyPackage(alice.device))
    // The same valid package, many times: the cap counts rows, not distinct packages.
    const batch = Array.from({ length: Limits.maxKeyPackagesPerUpload }, () => kp)
    expect((await upload(alice, batch)).status).toBe(204)
    expect((await upload(alice, batch)).status).toBe(204)
    const over = await upload(alice, [kp])
    expect(over.status).toBe(403)
    expect(over.body.code).toBe("KITH_ERR_FORBIDDEN")
    expect((await count(alice)).count).toBe(Limits.maxKeyPackagesPerDevice)
  })

  it("limits claims to 200 an hour per claiming account (KITH_ERR_RATE_LIMITED)", async () => {
    const alice = await newUser(t.url)
    const claimer = await newUser(t.url)
    await upload(alice, [], toBase64Url(await makeKeyPackage(alice.device)))
    for (let i = 0; i < 200; i++) expect((await claim(claimer, alice.account.accountId)).status).toBe(200)
    const limited = await claim(claimer, alice.account.accountId)
    expect(limited.status).toBe(429)
    expect(limited.body.code).toBe("KITH_ERR_RATE_LIMITED")
    expect(limited.body.retryAfterMs).toBeGreaterThan(0)
    // Another claimer is not affected.
    expect((await claim(alice, alice.account.accountId)).status).toBe(200)
  })

  it("refuses malformed and anonymous requests", async () => {
    const alice = await newUser(t.url)
    expect((await upload(alice, [])).body.code).toBe("KITH_ERR_BAD_REQUEST")
    expect((await upload(alice, ["not base64!"])).body.code).toBe("KITH_ERR_BAD_REQUEST")
    const tooMany = Array.from({ length: Limits.maxKeyPackagesPerUpload + 1 }, () => "AAAA")
    expect((await upload(alice, tooMany)).body.code).toBe("KITH_ERR_BAD_REQUEST")
    expect((await call(t.url, "uploadKeyPackages", { body: { keyPackages: [] } })).status).toBe(401)
    expect((await call(t.url, "keyPackageCount", {})).status).toBe(401)
    expect(
      (await call(t.url, "claimKeyPackages", { params: { accountId: alice.account.accountId }, body: {} }))
        .status,
    ).toBe(401)
    const badExclude = await claim(alice, alice.account.accountId, ["nope"])
    expect(badExclude.body.code).toBe("KITH_ERR_BAD_REQUEST")
    expect(fromBase64Url(alice.account.accountId)).toHaveLength(16)
  })
})
