import { spawn, spawnSync } from "node:child_process"
import { createInterface } from "node:readline"

/**
 * Builds the web app (skip with KITH_WEB_SKIP_BUILD=1 when dist is fresh),
 * then starts the Kith stack in a child process and hands its URL to the
 * tests through the environment. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.KITH_WEB_SKIP_BUILD !== "1") {
    const build = spawnSync("npm", ["run", "build", "-w", "@kith/web"], { stdio: "inherit" })
    if (build.status !== 0) throw new Error("web app build failed")
  }
  const child = spawn(process.execPath, ["--import", "tsx", "e2e/web/support/runWebStack.ts"], {
    stdio: ["pipe", "pipe", "inherit"],
  })
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once("line", resolve)
    child.once("exit", (code) => reject(new Error(`Kith stack exited with ${code}`)))
  })
  const { url } = JSON.parse(line) as { url: string }
  process.env.KITH_WEB_URL = url
  return async () => {
    const exited = new Promise((resolve) => child.once("exit", resolve))
    child.kill("SIGTERM")
    await exited
  }
}
