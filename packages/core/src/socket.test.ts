import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { frames } from "@kith/protocol"
import { FrameSocket } from "./socket"
import { systemClock } from "./runtime"
import { nodeWebSocket } from "./node/nodeWebSocket"
import { startTestServer, type TestServer } from "./node/testHarness"

let server: TestServer
beforeAll(async () => {
  // One send at a time: of frames that meet at the server, all but one are refused with KITH_ERR_OVERLOADED.
  server = await startTestServer({ maxPendingWrites: 1 })
})
afterAll(() => server.close())

async function overloadedAnswers(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const line = text.split("\n").find((l) => l.includes('code="KITH_ERR_OVERLOADED"'))
  return line === undefined ? 0 : Number(line.split(" ").pop())
}

describe("FrameSocket against a server shedding load", () => {
  it("sends a refused frame again after the hint until the server takes it", async () => {
    const socket = new FrameSocket({ serverUrl: server.url, WebSocket: nodeWebSocket, clock: systemClock })
    socket.start()
    await socket.whenReady()
    // Pipelined sends to devices that do not exist: each is a real trip through the write path,
    // and the Ok names the recipient back, so every answer is matched to its own frame.
    const ids = Array.from({ length: 40 }, () => crypto.getRandomValues(new Uint8Array(16)))
    const answers = await Promise.all(
      ids.map((deviceId) =>
        socket.requestNow({
          case: "send",
          value: {
            deliveries: [
              { payload: new Uint8Array(300), recipients: [{ deviceId, deliveryToken: new Uint8Array(32) }] },
            ],
          } as unknown as frames.Send,
        }),
      ),
    )
    for (const [i, ok] of answers.entries()) expect(ok.unknownDeviceIds).toEqual([ids[i]])
    const refusals = await overloadedAnswers()
    console.log(`${ids.length} pipelined sends answered Ok after ${refusals} KITH_ERR_OVERLOADED answers`)
    expect(refusals).toBeGreaterThan(0)
    await socket.stop()
  })
})
