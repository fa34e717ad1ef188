import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Duplex } from "node:stream"
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeServerFrame,
  type ClientFrame,
  type ServerFrame,
} from "@kith/protocol"
import WebSocket, { WebSocketServer, type RawData } from "ws"

/**
 * A Kith server turned hostile ([T9]): a proxy in front of the real server
 * that tests put between clients and it. Every HTTP answer and every frame
 * the server pushes passes through hooks that may rewrite, drop, duplicate,
 * hold back or replay it — everything a malicious operator can do to the
 * traffic without the clients' keys. Tests then check that clients notice
 * and refuse. Node only; never part of a client.
 */
export interface ProxiedSocket {
  /** Whether the client authenticated this socket (it carries the mailbox), and as which session. */
  authenticated: boolean
  /** Sends a frame to the client now, as if the server had sent it. */
  push(frame: ServerFrame): void
}

export interface HttpExchange {
  method: string
  /** The path with its query, e.g. /v1/accounts/abc/key-packages/claim. */
  path: string
  status: number
}

export interface Tampering {
  /**
   * Called for each frame the server sends; returns the frames the client
   * gets instead (none drops it, two duplicates it). Absent: passed through.
   */
  serverFrame?: (frame: ServerFrame, socket: ProxiedSocket) => ServerFrame[]
  /** Sees each frame a client sends (the proxy always forwards it). */
  clientFrame?: (frame: ClientFrame, socket: ProxiedSocket) => void
  /** May replace a JSON answer: returns the new body, or undefined to pass it through. */
  httpJson?: (exchange: HttpExchange, body: unknown) => unknown
}

export interface MaliciousServer {
  url: string
  /** The hooks in force; tests change them at any time. */
  tampering: Tampering
  close(): Promise<void>
}

export async function startMaliciousServer(upstreamUrl: string): Promise<MaliciousServer> {
  const upstream = upstreamUrl.replace(/\/+$/, "")
  const state: { tampering: Tampering } = { tampering: {} }
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({ noServer: true })

  const server: Server = createServer((req, res) => {
    void forwardHttp(req, upstream, state.tampering).then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers)
        res.end(body)
      },
      () => {
        res.writeHead(502)
        res.end()
      },
    )
  })

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    wss.handleUpgrade(req, socket, head, (client) => {
      sockets.add(client)
      bridge(client, new WebSocket(upstream.replace(/^http/, "ws") + req.url), state, sockets)
    })
  })

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    get tampering() {
      return state.tampering
    },
    set tampering(t: Tampering) {
      state.tampering = t
    },
    async close() {
      for (const s of sockets) s.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const HOP_BY_HOP = new Set([
  "connection",
  "content-length",
  "transfer-encoding",
  "content-encoding",
  "keep-alive",
])

async function forwardHttp(
  req: IncomingMessage,
  upstream: string,
  tampering: Tampering,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === "host" || HOP_BY_HOP.has(name) || value === undefined) continue
    headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  const method = req.method ?? "GET"
  const response = await fetch(upstream + req.url, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
    redirect: "manual",
  })
  let body = Buffer.from(await response.arrayBuffer())
  const out: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) out[name] = value
  })
  const isJson = response.headers.get("content-type")?.includes("application/json")
  if (isJson && tampering.httpJson && body.length > 0) {
    const exchange = { method, path: req.url ?? "/", status: response.status }
    const replaced = tampering.httpJson(exchange, JSON.parse(body.toString("utf8")))
    if (replaced !== undefined) body = Buffer.from(JSON.stringify(replaced), "utf8")
  }
  return { status: response.status, headers: out, body }
}

/** Joins a client's socket to its own socket at the real server, frames passing through the hooks. */
function bridge(
  client: WebSocket,
  server: WebSocket,
  state: { tampering: Tampering },
  sockets: Set<WebSocket>,
) {
  sockets.add(server)
  const proxied: ProxiedSocket = {
    authenticated: false,
    push: (frame) => {
      if (client.readyState === WebSocket.OPEN) client.send(encodeServerFrame(frame))
    },
  }
  const early: RawData[] = []
  client.on("message", (data: RawData) => {
    const bytes = toBytes(data)
    const frame = decodeClientFrame(bytes)
    if (frame.body.case === "authenticate") proxied.authenticated = true
    state.tampering.clientFrame?.(frame, proxied)
    if (server.readyState === WebSocket.OPEN) server.send(bytes)
    else early.push(data)
  })
  server.on("open", () => {
    for (const data of early.splice(0)) server.send(toBytes(data))
  })
  server.on("message", (data: RawData) => {
    const frame = decodeServerFrame(toBytes(data))
    const hook = state.tampering.serverFrame
    for (const out of hook ? hook(frame, proxied) : [frame]) proxied.push(out)
  })
  const closeBoth = () => {
    if (client.readyState <= WebSocket.OPEN) client.close()
    if (server.readyState <= WebSocket.OPEN) server.close()
    sockets.delete(client)
    sockets.delete(server)
  }
  client.on("close", closeBoth)
  server.on("close", closeBoth)
  client.on("error", closeBoth)
  server.on("error", closeBoth)
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data)
}
