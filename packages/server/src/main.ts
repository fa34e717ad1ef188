import { parseArgs } from "node:util"
import type { LevelWithSilent } from "pino"
import { startServer } from "./index"
import { createLogger } from "./observability/logger"
import { webDistDir } from "@kith/web/serve"
import { defaultAbuseLimits } from "./config"

/**
 * `npm start`: flags win over environment variables, which win over defaults.
 *   --port / KITH_PORT (8080)   --host / KITH_HOST (0.0.0.0)   --data-dir / KITH_DATA_DIR (./data)
 *   KITH_POW_DIFFICULTY (20)    KITH_LOG_LEVEL (info)
 *   KITH_TRUST_PROXY=1 behind a reverse proxy (rate limits then key on X-Forwarded-For)
 *   KITH_ANONYMOUS_REQUESTS_PER_MINUTE (3000) per client address, for requests without a session
 *   KITH_BLOB_QUOTA_BYTES (2 GiB): attachment bytes one account may keep at the server at once
 *   KITH_MAX_PENDING_WRITES (8192): sends and commits in progress before new ones get KITH_ERR_OVERLOADED
 * Abuse limits (SECURITY.md; raise KITH_POW_DIFFICULTY too when under attack):
 *   KITH_MAX_CONNECTIONS_PER_ADDRESS (256)   KITH_REGISTRATIONS_PER_HOUR_PER_ADDRESS (20)
 *   KITH_FRIEND_REQUESTS_PER_HOUR_PER_ADDRESS (100)   KITH_FRIEND_REQUESTS_PER_HOUR_TOTAL (20000)
 *   KITH_MAX_QUEUED_PER_MAILBOX (10000): undelivered entries before a mailbox refuses more
 *   KITH_WEB_DIR: the built web app to serve at / (default: packages/web/dist; `npm start` builds it)
 * Cluster mode (docs/deploy.md): every node gets the same two URLs.
 *   --database-url / KITH_DATABASE_URL   PostgreSQL instead of SQLite (postgres://user:pass@host:5432/kith)
 *   --redis-url / KITH_REDIS_URL         Redis for the bus, sessions and rate limits (needs the database URL)
 *   KITH_DATABASE_POOL_SIZE (10)         KITH_REDIS_PREFIX (kith:) to share one Redis between deployments
 *   --blob-dir / KITH_BLOB_DIR           where attachment blobs live (default <data dir>/blobs); in a
 *                                        cluster, one directory every node mounts at the same path
 */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    "database-url": { type: "string" },
    "redis-url": { type: "string" },
    "blob-dir": { type: "string" },
  },
})
const env = process.env
const logLevel = (env.KITH_LOG_LEVEL ?? "info") as LevelWithSilent
const log = createLogger(logLevel)

function integer(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined || text === "") return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) {
    log.fatal(`${name} must be a non-negative integer`)
    process.exit(2)
  }
  return n
}

const databaseUrl = values["database-url"] ?? env.KITH_DATABASE_URL
const redisUrl = values["redis-url"] ?? env.KITH_REDIS_URL
if (redisUrl && !databaseUrl) {
  log.fatal("--redis-url / KITH_REDIS_URL needs --database-url / KITH_DATABASE_URL: cluster nodes share both")
  process.exit(2)
}
const server = await startServer({
  port: integer(values.port ?? env.KITH_PORT, 8080, "port"),
  host: values.host ?? env.KITH_HOST ?? "0.0.0.0",
  dataDir: values["data-dir"] ?? env.KITH_DATA_DIR ?? "./data",
  powDifficulty: integer(env.KITH_POW_DIFFICULTY, 20, "KITH_POW_DIFFICULTY"),
  logLevel,
  trustProxy: env.KITH_TRUST_PROXY === "1",
  anonymousRequestsPerMinute: integer(
    env.KITH_ANONYMOUS_REQUESTS_PER_MINUTE,
    3000,
    "KITH_ANONYMOUS_REQUESTS_PER_MINUTE",
  ),
  webDir: env.KITH_WEB_DIR ?? webDistDir,
  databaseUrl: databaseUrl === "" ? undefined : databaseUrl,
  databasePoolSize: integer(env.KITH_DATABASE_POOL_SIZE, 10, "KITH_DATABASE_POOL_SIZE"),
  redisUrl: redisUrl === "" ? undefined : redisUrl,
  redisPrefix: env.KITH_REDIS_PREFIX || undefined,
  blobDir: values["blob-dir"] || env.KITH_BLOB_DIR || undefined,
  blobQuotaBytes: integer(env.KITH_BLOB_QUOTA_BYTES, 2 * 1024 ** 3, "KITH_BLOB_QUOTA_BYTES"),
  maxPendingWrites: integer(env.KITH_MAX_PENDING_WRITES, 8192, "KITH_MAX_PENDING_WRITES"),
  abuse: {
    maxConnectionsPerAddress: integer(
      env.KITH_MAX_CONNECTIONS_PER_ADDRESS,
      defaultAbuseLimits.maxConnectionsPerAddress,
      "KITH_MAX_CONNECTIONS_PER_ADDRESS",
    ),
    registrationsPerHourPerAddress: integer(
      env.KITH_REGISTRATIONS_PER_HOUR_PER_ADDRESS,
      defaultAbuseLimits.registrationsPerHourPerAddress,
      "KITH_REGISTRATIONS_PER_HOUR_PER_ADDRESS",
    ),
    friendRequestsPerHourPerAddress: integer(
      env.KITH_FRIEND_REQUESTS_PER_HOUR_PER_ADDRESS,
      defaultAbuseLimits.friendRequestsPerHourPerAddress,
      "KITH_FRIEND_REQUESTS_PER_HOUR_PER_ADDRESS",
    ),
    friendRequestsPerHourTotal: integer(
      env.KITH_FRIEND_REQUESTS_PER_HOUR_TOTAL,
      defaultAbuseLimits.friendRequestsPerHourTotal,
      "KITH_FRIEND_REQUESTS_PER_HOUR_TOTAL",
    ),
    maxQueuedPerMailbox: integer(
      env.KITH_MAX_QUEUED_PER_MAILBOX,
      defaultAbuseLimits.maxQueuedPerMailbox,
      "KITH_MAX_QUEUED_PER_MAILBOX",
    ),
  },
}).catch((error: unknown) => {
  // The URLs may hold a password: log the error's type and code, not its message.
  log.fatal(
    { err: error },
    "could not start (is the database or Redis reachable, and the configuration right?)",
  )
  process.exit(1)
})
// Whatever the log level, one line says where the server listens (scripts and benchmarks read it).
createLogger("info").info({ port: server.port }, "kith server started")

// Nothing one request does may take the process down; log (without details) and carry on.
process.on("unhandledRejection", (error) => log.error({ err: error }, "unhandled rejection"))

let stopping = false
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, "shutting down")
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed")
        process.exit(1)
      },
    )
  })
}
