import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startServer } from "../../../packages/server/src/index"
import { webDistDir } from "../../../packages/web/src/serveConfig"

/**
 * The whole of Kith for the browser tests: a real Kith server (temporary data
 * directory, light proof of work) serving the built web app at `/` itself,
 * with the strict CSP, exactly as `npm start` does. One origin for the app,
 * the API and the WebSocket, as in production.
 */
export interface WebStack {
  url: string
  close(): Promise<void>
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
    // Every person in the tests comes from 127.0.0.1.
    anonymousRequestsPerMinute: 100_000,
    webDir: distDir,
  })
  return {
    url: kith.url,
    async close() {
      await kith.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
