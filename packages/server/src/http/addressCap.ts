import type { Server } from "node:http"
import type { Socket } from "node:net"
import { ErrorCode } from "@kith/protocol"
import type { DailyIpKeys } from "../ephemeral/dailyIpKeys"
import { isLoopback } from "./loopback"

/**
 * Caps the connections (HTTP keep-alive and WebSocket alike) one address may
 * hold open on this node, so a single machine cannot exhaust sockets or
 * memory by opening thousands of them. Counts are keyed by the salted daily
 * address hash and exist only while a connection is open. One connection over
 * the cap gets a typed 429 and is closed at once.
 */
export function capConnectionsPerAddress(
  server: Server,
  ipKeys: DailyIpKeys,
  max: number,
  limitLoopback: boolean,
): void {
  const open = new Map<string, number>()
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress
    if (address === undefined || (!limitLoopback && isLoopback(address))) return
    void ipKeys.keyFor(address).then(
      (key) => {
        if (socket.destroyed) return
        const count = (open.get(key) ?? 0) + 1
        if (count > max) return refuse(socket)
        open.set(key, count)
        socket.once("close", () => {
          const left = (open.get(key) ?? 1) - 1
          if (left <= 0) open.delete(key)
          else open.set(key, left)
        })
      },
      () => socket.destroy(),
    )
  })
}

const refusal = JSON.stringify({
  code: ErrorCode.RateLimited,
  message: "too many open connections from this address",
  retryAfterMs: 1000,
})

function refuse(socket: Socket): void {
  socket.end(
    "HTTP/1.1 429 Too Many Requests\r\n" +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(refusal)}\r\n` +
      "connection: close\r\n\r\n" +
      refusal,
  )
  socket.destroySoon()
}
