import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BLOBS_PATH, ErrorCode, Routes, toBase64Url, TUS_VERSION, WS_PATH } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call, request, type HttpResult } from "../testing/httpClient"
import {
  addDeviceBody,
  certifyDevice,
  expectOk,
  newUser,
  openSessionBody,
  randomBytes,
  setDeliveryToken,
  type TestUser,
} from "../testing/identities"
import { makeKeyPackages } from "../testing/keyPackages"

/**
 * The authorisation matrix. Every route the server registers — the Routes
 * table, the blob routes, the WebSocket and the operations endpoints — must
 * have a rule here, or the first test fails. The rules:
 *
 * - anyone: no session; abuse is held back per (hashed) address.
 * - capability: no session; the unguessable id in the URL is the permission,
 *   so a random id is simply not found.
 * - directory: any session; reads what every account publishes (keys, devices)
 *   or claims key packages to start a chat.
 * - self: a session; acts only on the caller's own account or device, whatever
 *   another account tries.
 * - owner: a session, and the id in the URL must belong to the caller; another
 *   account's id answers exactly like a missing one and changes nothing.
 */
type Scope = "anyone" | "capability" | "directory" | "self" | "owner"

interface Rule {
  scope: Scope
  /**
   * The intruder aims the route at something of the victim's (an id, a
   * username, a key package or certificate made for the victim's device);
   * asserts the refusal. Required for owner routes; after it, the victim's
   * state must be unchanged.
   */
  crossAccount?: (victim: Victim, intruder: TestUser) => Promise<void>
}

interface Victim {
  user: TestUser
  provisioningId: string
  blobPath: string
}

const rules: Record<string, Rule> = {
  "POST /v1/registration/challenge": { scope: "anyone" },
  "POST /v1/accounts": { scope: "anyone" },
  "POST /v1/sessions/challenge": { scope: "anyone" },
  "POST /v1/sessions": {
    scope: "anyone",
    crossAccount: async (victim, intruder) => {
      // A session for the victim's device, signed with the intruder's device key.
      const body = await openSessionBody(t.url, { ...intruder.device, deviceId: victim.user.device.deviceId })
      const res = await call(t.url, "openSession", { body })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_SIGNATURE")
    },
  },
  "POST /v1/devices": {
    scope: "anyone",
    crossAccount: async (victim, intruder) => {
      // A device certificate naming the victim's account, signed by the intruder's account key.
      const forged = { ...victim.user.account, privateKey: intruder.account.privateKey }
      const { certificate } = certifyDevice(forged)
      const res = await call(t.url, "addDevice", { body: await addDeviceBody(t.url, forged, certificate) })
      expect([400, 403]).toContain(res.status)
    },
  },
  "GET /v1/account-keys/:accountPublicKey": { scope: "anyone" },
  "GET /v1/accounts/:accountId": { scope: "directory" },
  "GET /v1/accounts/:accountId/profile": { scope: "anyone" },
  "GET /v1/usernames/:username": { scope: "directory" },
  "POST /v1/accounts/:accountId/key-packages/claim": { scope: "directory" },
  "DELETE /v1/account": { scope: "self" },
  "PUT /v1/username": {
    scope: "self",
    crossAccount: async (_victim, intruder) => {
      const res = await call(t.url, "claimUsername", { token: intruder.token, body: { username: "victim" } })
      expect(res.status).toBe(409)
      expect(res.body.code).toBe("KITH_ERR_USERNAME_TAKEN")
    },
  },
  "DELETE /v1/username": { scope: "self" },
  "PUT /v1/profile": { scope: "self" },
  "PUT /v1/delivery-verifier": { scope: "self" },
  "POST /v1/key-packages": {
    scope: "self",
    crossAccount: async (victim, intruder) => {
      // Key packages made for the victim's device, uploaded under the intruder's session.
      const keyPackages = await makeKeyPackages(victim.user.device, 1)
      const res = await call(t.url, "uploadKeyPackages", { token: intruder.token, body: { keyPackages } })
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_KEY_PACKAGE")
    },
  },
  "GET /v1/key-packages/count": { scope: "self" },
  "POST /v1/provisioning": { scope: "self" },
  "PUT /v1/provisioning/:provisioningId/request": { scope: "capability" },
  "POST /v1/reports": { scope: "self" },
  "GET /v1/provisioning/:provisioningId/response": { scope: "capability" },
  "PUT /v1/ratchet-trees/:treeId": { scope: "self" },
  "GET /v1/ratchet-trees/:treeId": { scope: "capability" },
  "DELETE /v1/devices/:deviceId": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      const params = { deviceId: victim.user.device.deviceId }
      expectRefused(await call(t.url, "removeDevice", { token: intruder.token, params }))
    },
  },
  "GET /v1/provisioning/:provisioningId/request": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      const params = { provisioningId: victim.provisioningId }
      expectRefused(await call(t.url, "getProvisioningRequest", { token: intruder.token, params }))
    },
  },
  "PUT /v1/provisioning/:provisioningId/response": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      const params = { provisioningId: victim.provisioningId }
      const body = { ciphertext: toBase64Url(randomBytes(64)) }
      expectRefused(await call(t.url, "putProvisioningResponse", { token: intruder.token, params, body }))
    },
  },
  "OPTIONS /v1/blobs": { scope: "anyone" },
  "POST /v1/blobs": { scope: "self" },
  "HEAD /v1/blobs/:id": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      expect((await tus("HEAD", victim.blobPath, intruder.token)).status).toBe(404)
    },
  },
  "PATCH /v1/blobs/:id": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      const response = await tus("PATCH", victim.blobPath, intruder.token, {
        "upload-offset": "0",
        "content-type": "application/offset+octet-stream",
      })
      expect(response.status).toBe(404)
    },
  },
  "DELETE /v1/blobs/:id": {
    scope: "owner",
    crossAccount: async (victim, intruder) => {
      expect((await tus("DELETE", victim.blobPath, intruder.token)).status).toBe(404)
    },
  },
  "GET /v1/blobs/:id": { scope: "capability" },
  [`GET ${WS_PATH}`]: { scope: "anyone" },
  "GET /healthz": { scope: "anyone" },
  "GET /metrics": { scope: "anyone" },
  "GET /openapi.json": { scope: "anyone" },
}

const needsSession = (scope: Scope) => scope === "directory" || scope === "self" || scope === "owner"

let t: TestServer
let victim: Victim

beforeAll(async () => {
  t = await startTestServer()
  const user = await newUser(t.url)
  await setDeliveryToken(t.url, user)
  expectOk(
    await call(t.url, "claimUsername", { token: user.token, body: { username: "victim" } }),
    "username",
  )
  const profile = { ciphertext: toBase64Url(randomBytes(100)) }
  expectOk(await call(t.url, "putProfile", { token: user.token, body: profile }), "profile")
  const slot = await call<{ provisioningId: string }>(t.url, "createProvisioning", { token: user.token })
  const created = await tus("POST", BLOBS_PATH, user.token, { "upload-length": "4096" })
  expect(created.status).toBe(201)
  victim = { user, provisioningId: slot.body.provisioningId, blobPath: created.headers.get("location")! }
})
afterAll(() => t.close())

/** Everything an intruder might change about the victim, read with the victim's own session. */
async function snapshotOf(v: Victim): Promise<unknown> {
  const token = v.user.token
  const params = { accountId: v.user.account.accountId }
  return {
    account: (await call(t.url, "getAccount", { token, params })).body,
    profile: (await call(t.url, "getProfile", { token, params })).body,
    username: (await call(t.url, "lookupUsername", { token, params: { username: "victim" } })).body,
    keyPackages: (await call(t.url, "keyPackageCount", { token })).body,
    blob: (await tus("HEAD", v.blobPath, token)).headers.get("upload-offset"),
    session: (await call(t.url, "keyPackageCount", { token })).status,
  }
}

function expectRefused(result: HttpResult<{ code?: string }>): void {
  expect([403, 404], JSON.stringify(result.body)).toContain(result.status)
}

async function tus(method: string, path: string, token?: string, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { "tus-resumable": TUS_VERSION, ...headers }
  if (token !== undefined) all.authorization = `Bearer ${token}`
  return fetch(t.url + path, { method, headers: all })
}

/** The route's URL with every parameter filled by a well-formed value nobody owns. */
function concreteUrl(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) =>
    name === "accountPublicKey"
      ? toBase64Url(randomBytes(32))
      : name === "username"
        ? "nobody"
        : toBase64Url(randomBytes(16)),
  )
}

async function hit(
  route: string,
  token?: string,
  body: unknown = {},
): Promise<{ status: number; code?: string }> {
  const [method, url] = route.split(" ") as [string, string]
  const path = concreteUrl(url)
  if (path.startsWith(BLOBS_PATH)) {
    const response = await tus(method, path, token, { "upload-length": "4096", "upload-offset": "0" })
    const text = method === "HEAD" ? "" : await response.text()
    return { status: response.status, code: text.startsWith("{") ? JSON.parse(text).code : undefined }
  }
  const result = await request<{ code?: string }>(t.url, method, path, {
    token,
    ...(method === "GET" || method === "DELETE" ? {} : { body }),
  })
  return { status: result.status, code: typeof result.body === "object" ? result.body?.code : undefined }
}

describe("the authorisation matrix", () => {
  it("has a rule for every route the server registers, and every route of the table is registered", () => {
    const registered = new Set(t.server.routes)
    expect([...registered].sort()).toEqual(Object.keys(rules).sort())
    for (const spec of Object.values(Routes)) expect(registered).toContain(`${spec.method} ${spec.url}`)
  })

  it("agrees with the route table about which routes need a session", () => {
    for (const spec of Object.values(Routes)) {
      const rule = rules[`${spec.method} ${spec.url}`]!
      expect(needsSession(rule.scope), `${spec.method} ${spec.url}`).toBe(spec.auth === "session")
    }
  })

  it.each(Object.keys(rules))("%s without a session, and with a made-up one", async (route) => {
    const { scope } = rules[route]!
    for (const token of [undefined, toBase64Url(randomBytes(32))]) {
      const { status, code } = await hit(route, token)
      if (needsSession(scope)) {
        expect(status, route).toBe(401)
        if (!route.startsWith("HEAD")) expect(code).toBe(ErrorCode.Unauthenticated)
      } else {
        expect(status, route).not.toBe(401)
        expect(status, route).toBeLessThan(500)
      }
    }
  })

  it.each(Object.keys(rules).filter((r) => rules[r]!.scope === "capability"))(
    "%s with an id nobody was given is not found",
    async (route) => {
      // A well-formed body, so the answer is about the id and not the body.
      expect((await hit(route, undefined, { ciphertext: toBase64Url(randomBytes(64)) })).status).toBe(404)
    },
  )

  it.each(
    Object.keys(rules).filter(
      (r) => rules[r]!.crossAccount !== undefined || !["anyone", "capability"].includes(rules[r]!.scope),
    ),
  )("%s with another account's session or ids leaves the victim untouched", async (route) => {
    const intruder = await newUser(t.url)
    const before = await snapshotOf(victim)
    const rule = rules[route]!
    if (rule.scope === "owner")
      expect(rule.crossAccount, `${route} needs a cross-account scenario`).toBeDefined()
    if (rule.crossAccount !== undefined) {
      await rule.crossAccount(victim, intruder)
    } else {
      const { status } = await hit(route, intruder.token)
      expect(status, route).not.toBe(401)
      expect(status, route).toBeLessThan(500)
    }
    expect(await snapshotOf(victim)).toEqual(before)
  })

  it("lets any session read the directory — the victim's public keys — and anyone the encrypted profile, but nothing more", async () => {
    const intruder = await newUser(t.url)
    const params = { accountId: victim.user.account.accountId }
    expect((await call(t.url, "getAccount", { token: intruder.token, params })).status).toBe(200)
    expect((await call(t.url, "getProfile", { params })).status).toBe(200)
  })
})
