import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { FrameSocket } from "./socket"
import { systemClock } from "./runtime"
import { nodeWebSocket } from "./node/nodeWebSocket"
import { startTestServer, type TestServer } from "./node/testHarness"

const DEADLINE_MS = 1_000

let server: TestServer
beforeAll(async () => {
  // The server closes an unauthenticated socket after this much silence (2 minutes by default).
  server = await startTestServer({ abuse: { wsAuthDeadlineMs: DEADLINE_MS } })
})
afterAll(() => server.close())

/** An anonymous socket, and how many times it came online (1: it was never closed under it). */
function anonymousSocket(keepAliveMs: number | undefined) {
  let connections = 0
  const socket = new FrameSocket({
    serverUrl: server.url,
    WebSocket: nodeWebSocket,
    clock: systemClock,
    keepAliveMs,
    onStatus: (online) => {
      if (online) connections++
    },
  })
  return { socket, connections: () => connections }
}

describe("the anonymous socket kept alive", () => {
  it("stays one connection through silences past the server's deadline; without keep-alive it is closed", async () => {
    const kept = anonymousSocket(DEADLINE_MS / 4)
    const plain = anonymousSocket(undefined)
    for (const s of [kept, plain]) {
      s.socket.start()
      await s.socket.whenReady()
    }
    await systemClock.sleep(DEADLINE_MS * 4)
    expect(kept.connections()).toBe(1)
    expect(kept.socket.online).toBe(true)
    // The control: the same silence without pings ends the connection, and the socket opens a new one.
    expect(plain.connections()).toBeGreaterThan(1)
    await Promise.all([kept.socket.stop(), plain.socket.stop()])
  })
})
