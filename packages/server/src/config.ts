import type { LevelWithSilent } from "pino"
import type { Clock } from "./clock"
import { systemClock } from "./clock"

export interface ServerConfig {
  /** 0 picks a free port (tests). */
  port: number
  /** Defaults to 127.0.0.1; main.ts passes 0.0.0.0. */
  host?: string
  /** Where kith.sqlite lives. */
  dataDir: string
  /** Leading zero bits a registration must pay for (default 20). */
  powDifficulty?: number
  logLevel?: LevelWithSilent
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: NodeJS.WritableStream
  /** The clock every expiry is measured with; tests move it. */
  now?: Clock
  /**
   * Requests per minute one (hashed) IP may make to routes that need no session,
   * WebSocket upgrades included (default 3000: many people can share one address).
   */
  anonymousRequestsPerMinute?: number
  /** Honour X-Forwarded-For from a reverse proxy in front of the server. */
  trustProxy?: boolean
  /** How often the expiry sweep runs (default one minute). */
  sweepIntervalMs?: number
  /** The built web app to serve at `/` (none when absent: an API-only server). */
  webDir?: string
  /**
   * PostgreSQL instead of the embedded SQLite (postgres://user:password@host:port/db):
   * what several nodes share. `dataDir` is then unused.
   */
  databaseUrl?: string
  /** Connections to PostgreSQL per node (default 10). */
  databasePoolSize?: number
  /**
   * Redis for the bus and ephemeral state (sessions, challenges, rate limits,
   * linking slots), so nodes share them: cluster mode. Needs `databaseUrl`.
   */
  redisUrl?: string
  /** Prefix of every Redis key and channel this deployment uses (default "kith:"). */
  redisPrefix?: string
  /** Where encrypted attachment blobs live (default `dataDir`/blobs); cluster nodes share one directory. */
  blobDir?: string
  /** Bytes of blobs one account may keep at once (default 2 GiB). */
  blobQuotaBytes?: number
  /** Abuse limits (SECURITY.md); each has a default that suits one node. */
  abuse?: Partial<AbuseLimits>
  /** Sends and commits worked on at once before new ones get KITH_ERR_OVERLOADED (default 8192). */
  maxPendingWrites?: number
}

/** What one address, one account or the whole server may do before it is refused (SECURITY.md). */
export interface AbuseLimits {
  /** A client must finish sending request headers within this (default 10 s): slowloris. */
  headersTimeoutMs: number
  /** …and the whole request within this (default 2 min, room for a blob chunk on a slow link). */
  requestTimeoutMs: number
  /**
   * A WebSocket that has not authenticated is closed once it has sent nothing
   * for this long (default 2 min). Not shorter: a client's anonymous socket for
   * sealed sends never authenticates and may idle between sends.
   */
  wsAuthDeadlineMs: number
  /** A WebSocket is pinged this often and closed when the previous ping went unanswered (default 30 s). */
  wsPingIntervalMs: number
  /**
   * Open connections (HTTP and WebSocket) one address may hold on one node (default 256:
   * a whole office can share one address). Not applied behind a trusted proxy, which sees them all.
   */
  maxConnectionsPerAddress: number
  /** Accounts one address may register per hour (default 20). */
  registrationsPerHourPerAddress: number
  /** Friend requests all accounts behind one address may send per hour (default 100). */
  friendRequestsPerHourPerAddress: number
  /** Friend requests the whole server accepts per hour (default 20000): a ceiling for spam waves. */
  friendRequestsPerHourTotal: number
  /** Entries one mailbox may hold before new deliveries to it are refused (default 10000). */
  maxQueuedPerMailbox: number
  /** Apply the per-address limits to loopback peers too (default false: see http/loopback.ts). */
  limitLoopback: boolean
}

export const defaultAbuseLimits: AbuseLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  wsAuthDeadlineMs: 120_000,
  wsPingIntervalMs: 30_000,
  maxConnectionsPerAddress: 256,
  registrationsPerHourPerAddress: 20,
  friendRequestsPerHourPerAddress: 100,
  friendRequestsPerHourTotal: 20_000,
  maxQueuedPerMailbox: 10_000,
  limitLoopback: false,
}

type OptionalSettings = "logStream" | "webDir" | "databaseUrl" | "redisUrl" | "blobDir"

export type ResolvedConfig = Required<Omit<ServerConfig, OptionalSettings | "abuse">> &
  Pick<ServerConfig, OptionalSettings> & { abuse: AbuseLimits }

export function resolveConfig(config: ServerConfig): ResolvedConfig {
  if (config.redisUrl !== undefined && config.databaseUrl === undefined) {
    // Nodes sharing sessions but each with its own SQLite file would disagree about every mailbox.
    throw new Error("a Redis URL needs a PostgreSQL URL too: cluster nodes share both")
  }
  return {
    port: config.port,
    host: config.host ?? "127.0.0.1",
    dataDir: config.dataDir,
    powDifficulty: config.powDifficulty ?? 20,
    logLevel: config.logLevel ?? "info",
    logStream: config.logStream,
    now: config.now ?? systemClock,
    anonymousRequestsPerMinute: config.anonymousRequestsPerMinute ?? 3000,
    trustProxy: config.trustProxy ?? false,
    sweepIntervalMs: config.sweepIntervalMs ?? 60_000,
    webDir: config.webDir,
    databaseUrl: config.databaseUrl,
    databasePoolSize: config.databasePoolSize ?? 10,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix ?? "kith:",
    blobDir: config.blobDir,
    blobQuotaBytes: config.blobQuotaBytes ?? 2 * 1024 ** 3,
    abuse: { ...defaultAbuseLimits, ...config.abuse },
    maxPendingWrites: config.maxPendingWrites ?? 8192,
  }
}
