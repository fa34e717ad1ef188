import { connect, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WS_PATH } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../packages/server/src/testing/testServer"

/**
 * One address opening connection after connection: past a small cap each new
 * one gets a typed 429 and is closed, upgrades are rate-limited per hashed
 * address, other clients keep being served, and the address reaches no log.
 */
const CAP = 5
let t: TestServer
beforeAll(async () => {
  t = await startTestServer({ abuse: { maxConnectionsPerAddress: CAP, limitLoopback: true } })
})
afterAll(() => t.close())

function rawSocket(url: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1", () => resolve(socket))
    socket.once("error", reject)
  })
}

function answerOf(socket: Socket): Promise<string> {
  let said = ""
  socket.on("data", (chunk: Buffer) => (said += chunk.toString("latin1")))
  socket.on("error", () => undefined)
  return new Promise((resolve) => socket.once("close", () => resolve(said)))
}

/** Opens a WebSocket; resolves with "open" or the HTTP status of a refused upgrade. */
function upgrade(url: string): Promise<{ ws: WebSocket; outcome: "open" | number; body: string }> {
  const ws = new WebSocket(url.replace(/^http/, "ws") + WS_PATH)
  return new Promise((resolve) => {
    ws.once("open", () => resolve({ ws, outcome: "open", body: "" }))
    ws.once("unexpected-response", (_request, response) => {
      let body = ""
      response.on("data", (chunk: Buffer) => (body += chunk.toString()))
      response.on("end", () => resolve({ ws, outcome: response.statusCode ?? 0, body }))
    })
    ws.once("error", () => undefined)
  })
}

describe("connection floods from one address", () => {
  it("refuses connections over the per-address cap with a typed 429, and takes new ones once some close", async () => {
    const held = await Promise.all(Array.from({ length: CAP }, () => rawSocket(t.url)))
    await new Promise((r) => setTimeout(r, 100))
    const extra = await rawSocket(t.url)
    const answer = await answerOf(extra)
    expect(answer).toMatch(/^HTTP\/1\.1 429/)
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).code).toBe("KITH_ERR_RATE_LIMITED")

    for (const socket of held) socket.destroy()
    await new Promise((r) => setTimeout(r, 200))
    // A fresh connection is served again (closed after, so it holds no slot for the next test).
    const fresh = await rawSocket(t.url)
    const served = answerOf(fresh)
    fresh.write("GET /healthz HTTP/1.1\r\nHost: kith\r\nConnection: close\r\n\r\n")
    expect(await served).toMatch(/^HTTP\/1\.1 200/)
  })

  it("counts WebSockets against the same cap", async () => {
    const open = []
    for (let i = 0; i < CAP; i++) open.push(await upgrade(t.url))
    expect(open.map((o) => o.outcome)).toEqual(Array(CAP).fill("open"))
    const refused = await upgrade(t.url)
    expect(refused.outcome).toBe(429)
    for (const o of open) o.ws.close()
  })

  it("keeps no address in its logs", () => {
    expect(t.logText()).not.toMatch(/127\.0\.0\.1|::1|::ffff:/)
  })
})

describe("upgrade floods from one address", () => {
  it("rate-limits WebSocket upgrades per hashed address with KITH_ERR_RATE_LIMITED", async () => {
    const limited = await startTestServer({ anonymousRequestsPerMinute: 4 })
    try {
      const outcomes = []
      for (let i = 0; i < 6; i++) {
        const attempt = await upgrade(limited.url)
        outcomes.push(attempt)
        attempt.ws.terminate()
      }
      expect(outcomes.slice(0, 4).map((o) => o.outcome)).toEqual(["open", "open", "open", "open"])
      expect(outcomes[4]!.outcome).toBe(429)
      expect(JSON.parse(outcomes[4]!.body).code).toBe("KITH_ERR_RATE_LIMITED")
      expect(limited.logText()).not.toContain("127.0.0.1")
    } finally {
      await limited.close()
    }
  })
})
