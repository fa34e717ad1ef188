import { spawn, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

export interface ChildServer {
  url: string
  process: ChildProcess
  /** SIGKILL: no shutdown hooks, no flushing — a crash. */
  crash(): Promise<void>
  stop(): Promise<void>
}

/**
 * Runs `src/main.ts` (what `npm start` runs) in its own process, configured by
 * environment variables (`env` adds or overrides some, e.g. KITH_DATABASE_URL).
 */
export async function startChildServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: packageDir,
    env: {
      ...process.env,
      KITH_PORT: "0",
      KITH_HOST: "127.0.0.1",
      KITH_DATA_DIR: dataDir,
      KITH_POW_DIFFICULTY: "4",
      KITH_LOG_LEVEL: "info",
      KITH_ANONYMOUS_REQUESTS_PER_MINUTE: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  })
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited early with code ${code}`)))
    const lines = createInterface({ input: child.stdout! })
    lines.on("line", (line) => {
      try {
        const parsed = JSON.parse(line) as { port?: unknown }
        if (typeof parsed.port === "number") resolve(parsed.port)
      } catch {
        // Not a log line.
      }
    })
  })
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    async crash() {
      child.kill("SIGKILL")
      await exited
    },
    async stop() {
      child.kill("SIGTERM")
      await exited
    },
  }
}
