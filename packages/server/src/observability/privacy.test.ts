import WebSocket from "ws"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call, request } from "../testing/httpClient"
import { newDeviceOf, newUser, randomBytes, setDeliveryToken } from "../testing/identities"
import { makeKeyPackages } from "../testing/keyPackages"
import { TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

let t: TestServer
/** Everything a scripted session handed the server that must never show up in logs or metrics. */
const secrets: string[] = []
let metricsText = ""

beforeAll(async () => {
  t = await startTestServer()
  const remember = (...values: (string | Uint8Array)[]) => {
    for (const v of values) secrets.push(typeof v === "string" ? v : toBase64Url(v))
  }
  const alice = await newUser(t.url)
  const bob = await newUser(t.url)
  const bobPhone = await newDeviceOf(t.url, bob.account)
  for (const u of [alice, bob, bobPhone]) {
    remember(u.account.accountId, u.device.deviceId, u.token, u.account.publicKey, u.device.publicKey)
  }
  const bobToken = await setDeliveryToken(t.url, bob)
  remember(bobToken)
  const username = "privacy_probe_name"
  secrets.push(username)
  await call(t.url, "claimUsername", { token: bob.token, body: { username } })
  await call(t.url, "lookupUsername", { token: alice.token, params: { username } })
  await call(t.url, "lookupUsername", { token: alice.token, params: { username: "nobody_by_this_name" } })
  secrets.push("nobody_by_this_name")
  const profile = randomBytes(48)
  remember(profile)
  await call(t.url, "putProfile", { token: bob.token, body: { ciphertext: toBase64Url(profile) } })
  await call(t.url, "getProfile", { token: alice.token, params: { accountId: bob.account.accountId } })
  await call(t.url, "uploadKeyPackages", {
    token: bob.token,
    body: { keyPackages: await makeKeyPackages(bob.device, 1) },
  })
  await call(t.url, "claimKeyPackages", {
    token: alice.token,
    params: { accountId: bob.account.accountId },
    body: {},
  })
  await call(t.url, "getAccount", { token: alice.token, params: { accountId: toBase64Url(randomBytes(16)) } })
  const { provisioningId } = (
    await call<{ provisioningId: string }>(t.url, "createProvisioning", { token: alice.token })
  ).body
  remember(provisioningId)
  await call(t.url, "putProvisioningRequest", {
    params: { provisioningId },
    body: { ciphertext: toBase64Url(profile) },
  })

  const marker = "PRIVACY-PROBE-PAYLOAD"
  secrets.push(marker)
  const groupId = randomBytes(16)
  remember(groupId)
  const sealed = await TestSocket.connect(t.url)
  await sealed.request({
    case: "send",
    value: {
      deliveries: [
        delivery(payload(1, marker), [to(bob.device, bobToken), to(bobPhone.device, bobToken)]),
      ] as never,
    },
  })
  await sealed.request({
    case: "send",
    value: { deliveries: [delivery(payload(2, marker), [to(bob.device, randomBytes(32))])] as never },
  })
  await sealed.request({
    case: "submitCommit",
    value: {
      groupId,
      epoch: 0n,
      deliveries: [delivery(payload(3, marker), [to(bob.device, bobToken)])] as never,
    },
  })
  sealed.sendRaw(new TextEncoder().encode(marker))
  await sealed.nextUnmatched()
  const aliceSocket = await TestSocket.connect(t.url)
  await aliceSocket.authenticate(alice.token)
  await aliceSocket.request({
    case: "send",
    value: { deliveries: [delivery(payload(4, marker), [to(bob.device)])] as never },
  })
  const bobSocket = await TestSocket.connect(t.url)
  await bobSocket.authenticate(bob.token)
  await bobSocket.waitForEntries(3)
  await bobSocket.request({ case: "ack", value: { seqs: bobSocket.entries().map((e) => e.seq) } })
  await Promise.all([sealed.close(), aliceSocket.close(), bobSocket.close()])
  await call(t.url, "removeDevice", { token: bob.token, params: { deviceId: bobPhone.device.deviceId } })
  await call(t.url, "deleteAccount", { token: alice.token })
  // An upgrade to a route that is not the WebSocket endpoint is refused; its URL (with an id) must not be logged.
  await new Promise<void>((resolve) => {
    const stray = new WebSocket(`${t.url.replace("http", "ws")}/v1/accounts/${bob.account.accountId}`)
    stray.on("error", () => resolve())
    stray.on("close", () => resolve())
  })
  metricsText = (await request<string>(t.url, "GET", "/metrics")).body
})
afterAll(() => t.close())

describe("logs and metrics of a scripted session", () => {
  it("log every request by method, route pattern, status and duration", () => {
    const requests = t.logLines.filter((l) => l.msg === "request")
    expect(requests.length).toBeGreaterThan(20)
    for (const line of requests) {
      expect(Object.keys(line).sort()).toEqual([
        "level",
        "method",
        "ms",
        "msg",
        "reqId",
        "route",
        "service",
        "status",
        "time",
      ])
    }
    expect(requests.map((l) => l.route)).toContain("/v1/accounts/:accountId/profile")
  })

  it("contain no ids, keys, tokens, usernames, payloads or IP addresses", () => {
    const logs = t.logText()
    expect(secrets.length).toBeGreaterThan(15)
    for (const secret of secrets) {
      expect(logs).not.toContain(secret)
      expect(metricsText).not.toContain(secret)
    }
    for (const text of [logs, metricsText]) {
      expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff:/)
      expect(text).not.toMatch(/"(url|ip|ips|hostname|remoteAddress|remotePort|host|headers)"/)
    }
  })

  it("count what happened without naming anyone", () => {
    expect(metricsText).toMatch(/kith_deliveries_accepted_total [1-9]/)
    expect(metricsText).toMatch(/kith_commits_accepted_total 1/)
    expect(metricsText).toMatch(/kith_frames_rejected_total\{code="KITH_ERR_DELIVERY_TOKEN"\} 1/)
    const labels = [...metricsText.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!)
    for (const label of labels) expect(label).toMatch(/^(\w+="[^"]*",?)+$/)
    for (const label of labels.filter((l) => l.includes("route=")))
      expect(label).not.toMatch(/route="[^"]*[A-Za-z0-9_-]{22}/)
  })
})
