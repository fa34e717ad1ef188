/**
 * The floor: a bare WebSocket relay with no authentication, storage or
 * acknowledgement. A client's first frame is its 16-byte id; every later frame
 * is a 16-byte destination id followed by the payload, which is forwarded as
 * is. Kith's relay figures are reported as ratios against this one, measured
 * in the same run under the identical load.
 */
import { WebSocketServer, type WebSocket } from "ws"

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 2 * 1024 * 1024 })
const byId = new Map<string, WebSocket>()

wss.on("connection", (ws) => {
  let id: string | undefined
  ws.on("message", (data: Buffer) => {
    if (id === undefined) {
      id = data.toString("hex")
      byId.set(id, ws)
      return
    }
    byId.get(data.subarray(0, 16).toString("hex"))?.send(data.subarray(16))
  })
  ws.on("close", () => {
    if (id !== undefined) byId.delete(id)
  })
})

wss.on("listening", () => {
  const address = wss.address()
  if (address && typeof address === "object")
    console.log(JSON.stringify({ msg: "listening", port: address.port }))
})
