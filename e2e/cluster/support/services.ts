import { execFileSync, spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"

/**
 * Stops and starts the machine's PostgreSQL and Redis for the fault suites
 * (which run alone: npm run test:cluster). Whatever happens, the services are
 * running again when these return or throw.
 */

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

function postgresVersion(): string {
  return readdirSync("/etc/postgresql")
    .sort((a, b) => Number(a) - Number(b))
    .at(-1)!
}

function postgres(action: "start" | "stop"): void {
  const args = ["--skip-systemctl-redirect", postgresVersion(), "main", action]
  if (action === "stop") args.push("-m", "fast")
  spawnSync("pg_ctlcluster", args, { stdio: "ignore" })
}

function postgresUp(): boolean {
  return spawnSync("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "5432"]).status === 0
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (check()) return
    await pause(250)
  }
  throw new Error(`${what} did not come back`)
}

/** PostgreSQL is down for about `downMs`, during `whileDown`. */
export async function withPostgresDown(downMs: number, whileDown: () => Promise<void> = async () => {}) {
  try {
    postgres("stop")
    await Promise.all([pause(downMs), whileDown()])
  } finally {
    postgres("start")
    await waitUntil(postgresUp, "PostgreSQL")
  }
}

function redisUp(): boolean {
  const result = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "ping"], { encoding: "utf8" })
  return result.stdout?.includes("PONG") ?? false
}

function startRedis(): void {
  execFileSync("mkdir", ["-p", "/tmp/kith-redis"])
  spawnSync(
    "redis-server",
    [
      "--daemonize",
      "yes",
      "--bind",
      "127.0.0.1",
      "--port",
      "6379",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      "/tmp/kith-redis",
    ],
    { stdio: "ignore" },
  )
}

/** Redis is down for about `downMs` (and, being memory only, comes back empty), during `whileDown`. */
export async function withRedisDown(downMs: number, whileDown: () => Promise<void> = async () => {}) {
  try {
    spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], { stdio: "ignore" })
    await waitUntil(() => !redisUp(), "Redis shutdown")
    await Promise.all([pause(downMs), whileDown()])
  } finally {
    if (!redisUp()) startRedis()
    await waitUntil(redisUp, "Redis")
  }
}
