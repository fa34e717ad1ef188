import { existsSync } from "node:fs"
import type { FastifyInstance } from "fastify"
import fastifyStatic from "@fastify/static"
import { cacheControlFor, securityHeaders } from "@kith/web/serve"

/**
 * Serves the built web app at `/` when a build exists. Every response — the
 * app's files and the API's JSON alike — carries the web app's security
 * headers: a strict CSP with no inline script and no remote origin, no framing.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string | undefined): Promise<boolean> {
  app.addHook("onSend", async (_request, reply) => {
    reply.headers(securityHeaders)
  })
  if (!webDir || !existsSync(webDir)) return false
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: "/",
    index: ["index.html"],
    wildcard: true,
    cacheControl: false,
    setHeaders: (response, path) => {
      const pathname = "/" + path.slice(webDir.length).replace(/^\/+/, "")
      response.header("cache-control", cacheControlFor(pathname))
      if (pathname.endsWith(".webmanifest")) response.header("content-type", "application/manifest+json")
    },
  })
  return true
}
