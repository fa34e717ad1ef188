import { connect, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import WebSocket from "ws"
import { WS_PATH } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../packages/server/src/testing/testServer"
import { newUser } from "../../packages/server/src/testing/identities"
import { TestSocket } from "../../packages/server/src/testing/wsClient"

/**
 * Slow and silent clients (slowloris, idle sockets, sockets that never
 * authenticate, peers that vanished) are cut after short timeouts, shortened
 * here so the test runs in seconds; and a normal client is served meanwhile.
 */
let t: TestServer
beforeAll(async () => {
  t = await startTestServer({
    abuse: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, wsAuthDeadlineMs: 1000, wsPingIntervalMs: 500 },
  })
})
afterAll(() => t.close())

function rawSocket(): Promise<Socket> {
  const { port } = new URL(t.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => resolve(socket))
    socket.once("error", reject)
  })
}

/** Resolves with how long the server took to close the socket and what it said before. */
function closedBy(socket: Socket): Promise<{ ms: number; said: string }> {
  const started = Date.now()
  let said = ""
  socket.on("data", (chunk: Buffer) => (said += chunk.toString("latin1")))
  socket.on("error", () => undefined)
  return new Promise((resolve) => socket.once("close", () => resolve({ ms: Date.now() - started, said })))
}

describe("slow and idle HTTP clients", () => {
  it("cuts a client that trickles its headers (slowloris)", async () => {
    const socket = await rawSocket()
    const closed = closedBy(socket)
    socket.write("GET /healthz HTTP/1.1\r\nHost: kith\r\n")
    const trickle = setInterval(() => socket.writable && socket.write("X-Slow: 1\r\n"), 200)
    const { ms, said } = await closed
    clearInterval(trickle)
    expect(ms).toBeLessThan(10_000)
    expect(said).toMatch(/^HTTP\/1\.1 408/)
  })

  it("cuts a client that trickles its body", async () => {
    const socket = await rawSocket()
    const closed = closedBy(socket)
    socket.write(
      "PUT /v1/profile HTTP/1.1\r\nHost: kith\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{",
    )
    const trickle = setInterval(() => socket.writable && socket.write(" "), 200)
    const { ms } = await closed
    clearInterval(trickle)
    expect(ms).toBeLessThan(10_000)
  })

  it("cuts a connection that never sends a byte", async () => {
    const { ms } = await closedBy(await rawSocket())
    expect(ms).toBeLessThan(10_000)
  })

  it("keeps serving normal clients meanwhile", async () => {
    const slow = await Promise.all([rawSocket(), rawSocket(), rawSocket()])
    for (const s of slow) s.write("GET /healthz HTTP/1.1\r\n")
    expect((await fetch(t.url + "/healthz")).status).toBe(200)
    for (const s of slow) s.destroy()
  })
})

describe("slow and dead WebSocket clients", () => {
  it("closes a socket that neither authenticates nor sends anything within the deadline", async () => {
    const socket = await TestSocket.connect(t.url)
    const started = Date.now()
    const { code } = await socket.closed
    expect(code).toBe(4008)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it("keeps an anonymous socket that is in use (a client's sealed-send socket) past the deadline", async () => {
    const socket = await TestSocket.connect(t.url)
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 400))
      expect((await socket.request({ case: "ping", value: {} })).body.case).toBe("pong")
    }
    expect(socket.isOpen()).toBe(true)
    // Then silent: closed one deadline later.
    expect((await socket.closed).code).toBe(4008)
  })

  it("keeps an authenticated socket that answers pings, past the deadline and several pings", async () => {
    const user = await newUser(t.url)
    const socket = await TestSocket.connect(t.url)
    await socket.authenticate(user.token)
    await new Promise((r) => setTimeout(r, 2500))
    expect(socket.isOpen()).toBe(true)
    expect((await socket.request({ case: "ping", value: {} })).body.case).toBe("pong")
    await socket.close()
  })

  it("drops an authenticated socket whose peer stopped answering pings", async () => {
    const user = await newUser(t.url)
    // autoPong off: this client plays a peer that vanished without closing.
    const ws = new WebSocket(t.url.replace(/^http/, "ws") + WS_PATH, { autoPong: false })
    ws.binaryType = "nodebuffer"
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject))
    const socket = TestSocket.wrap(ws)
    await socket.authenticate(user.token)
    const started = Date.now()
    const { code } = await socket.closed
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(code).toBe(1006)
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
