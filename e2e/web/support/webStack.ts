import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import { extname, join, normalize, sep } from "node:path"
import type { AddressInfo } from "node:net"
import { startServer } from "../../../packages/server/src/index"
import { cacheControlFor, securityHeaders, webDistDir } from "../../../packages/web/src/serveConfig"

/**
 * The whole of Kith for the browser tests: a real Kith server (temporary data
 * directory, light proof of work) and, in front of it, the built web app
 * served exactly as serveConfig.ts describes (strict CSP and all) with /v1 —
 * HTTP and the WebSocket — passed through to the server. One origin, as in
 * production, so the CSP's 'self' is what is tested.
 */
export interface WebStack {
  url: string
  serverUrl: string
  close(): Promise<void>
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
}

export interface WebStackOptions {
  /** The built app to serve (default: packages/web/dist). */
  distDir?: string
}

export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const distDir = options.distDir ?? webDistDir
  if (!existsSync(join(distDir, "index.html"))) throw new Error("build the web app first: npm run build:web")
  const dataDir = mkdtempSync(join(tmpdir(), "kith-web-e2e-"))
  const kith = await startServer({
    port: 0,
    dataDir,
    powDifficulty: 4,
    logLevel: "warn",
    anonymousRequestsPerMinute: 100_000,
  })
  const target = new URL(kith.url)
  const front = createServer((req, res) => {
    if ((req.url ?? "").startsWith("/v1/")) return proxy(req, res, target)
    serveStatic(req, res, distDir)
  })
  front.on("upgrade", (req, socket, head) => {
    // The WebSocket: replay the upgrade request to the Kith server and splice the two sockets.
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`]
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      upstream.write(lines.join("\r\n") + "\r\n\r\n")
      if (head.length) upstream.write(head)
      upstream.pipe(socket).pipe(upstream)
    })
    upstream.on("error", () => socket.destroy())
    socket.on("error", () => upstream.destroy())
  })
  await listen(front)
  const port = (front.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    serverUrl: kith.url,
    async close() {
      front.closeAllConnections()
      await new Promise<void>((resolve) => front.close(() => resolve()))
      await kith.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
}

function proxy(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const upstream = request(
    { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on("error", () => {
    res.writeHead(502).end()
  })
  req.pipe(upstream)
}

function serveStatic(req: IncomingMessage, res: ServerResponse, distDir: string): void {
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)
  const relative = pathname === "/" ? "index.html" : normalize(pathname).replace(/^([/\\])+/, "")
  const file = join(distDir, relative)
  if (
    !file.startsWith(distDir.replace(/[/\\]$/, "") + sep) ||
    !existsSync(file) ||
    !statSync(file).isFile()
  ) {
    res.writeHead(404, { ...securityHeaders, "content-type": "text/plain" }).end("not found")
    return
  }
  res.writeHead(200, {
    ...securityHeaders,
    "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
    "cache-control": cacheControlFor(pathname),
  })
  createReadStream(file).pipe(res)
}
