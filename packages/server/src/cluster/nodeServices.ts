import type { Redis } from "ioredis"
import type { ResolvedConfig } from "../config"
import type { Clock } from "../clock"
import type { Logger } from "../observability/logger"
import type { Metrics } from "../observability/metrics"
import type { Store } from "../storage/store"
import type { MailboxBus } from "../bus/mailboxBus"
import type { SessionStore } from "../ephemeral/sessionStore"
import type { ExpiringSet } from "../ephemeral/expiringSet"
import type { RateLimiter } from "../ephemeral/rateLimiter"
import type { ProvisioningSlots } from "../ephemeral/provisioningSlots"
import { openSqliteStore } from "../storage/sqlite"
import { openPostgresStore } from "../storage/postgres"
import { InProcessBus } from "../bus/inProcessBus"
import { RedisBus } from "../bus/redisBus"
import { MemorySessionStore } from "../ephemeral/sessionStore"
import { MemoryExpiringSet } from "../ephemeral/expiringSet"
import { MemoryRateLimiter } from "../ephemeral/rateLimiter"
import { MemoryProvisioningSlots } from "../ephemeral/provisioningSlots"
import { DailyIpKeys } from "../ephemeral/dailyIpKeys"
import { RedisSessionStore } from "../ephemeral/redisSessionStore"
import { RedisExpiringSet } from "../ephemeral/redisExpiringSet"
import { RedisRateLimiter } from "../ephemeral/redisRateLimiter"
import { RedisProvisioningSlots } from "../ephemeral/redisProvisioningSlots"
import { redisDailySalt } from "../ephemeral/redisDailySalt"
import { connectRedis } from "./redisClient"
import { everyFewSeconds } from "./logOnce"

/** The durable store and the shared or local state a node runs on. */
export interface NodeServices {
  store: Store
  bus: MailboxBus
  sessions: SessionStore
  sessionChallenges: ExpiringSet
  spentRegistrationChallenges: ExpiringSet
  rateLimiter: RateLimiter
  provisioning: ProvisioningSlots
  ipKeys: DailyIpKeys
  close(): Promise<void>
}

/**
 * Chooses the adapters by configuration alone: SQLite and memory (the
 * default, one node), PostgreSQL with memory (one node on PostgreSQL), or
 * PostgreSQL and Redis (cluster mode: any number of identical nodes).
 */
export async function openNodeServices(
  config: ResolvedConfig,
  clock: Clock,
  logger: Logger,
  metrics: Metrics,
): Promise<NodeServices> {
  const store = await openStore(config, logger, metrics)
  if (config.redisUrl === undefined) {
    const bus = new InProcessBus()
    return {
      store,
      bus,
      sessions: new MemorySessionStore(clock),
      sessionChallenges: new MemoryExpiringSet(clock),
      spentRegistrationChallenges: new MemoryExpiringSet(clock),
      rateLimiter: new MemoryRateLimiter(clock),
      provisioning: new MemoryProvisioningSlots(clock),
      ipKeys: new DailyIpKeys(clock),
      close: async () => {
        await bus.close()
        await store.close()
      },
    }
  }
  const redisUrl = config.redisUrl
  const warnRedis = everyFewSeconds((error: unknown) =>
    logger.warn({ err: error }, "Redis is unavailable; retrying"),
  )
  const connections: Redis[] = []
  try {
    const onError = (error: unknown) => warnRedis(error)
    const redis = await connectRedis(redisUrl, onError)
    connections.push(redis)
    const subscriber = await connectRedis(redisUrl, onError)
    connections.push(subscriber)
    const prefix = config.redisPrefix
    const bus = new RedisBus(redis, subscriber, `${prefix}mailbox:`, {
      publishFailed: (error) => {
        metrics.sharedStateUnavailable.inc({ service: "redis" })
        warnRedis(error)
      },
      resynced: () => {
        metrics.busResyncs.inc()
        logger.info("Redis bus reconnected; local mailboxes resynchronised")
      },
    })
    return {
      store,
      bus,
      sessions: new RedisSessionStore(redis, prefix, clock),
      sessionChallenges: new RedisExpiringSet(redis, `${prefix}session-challenge:`),
      spentRegistrationChallenges: new RedisExpiringSet(redis, `${prefix}spent-registration:`),
      rateLimiter: new RedisRateLimiter(redis, `${prefix}rate:`, (error) => {
        metrics.sharedStateUnavailable.inc({ service: "redis" })
        warnRedis(error)
      }),
      provisioning: new RedisProvisioningSlots(redis, prefix),
      ipKeys: new DailyIpKeys(clock, redisDailySalt(redis, `${prefix}ip-salt:`)),
      close: async () => {
        await bus.close()
        for (const connection of connections) connection.disconnect()
        await store.close()
      },
    }
  } catch (error) {
    for (const connection of connections) connection.disconnect()
    await store.close()
    throw error
  }
}

async function openStore(config: ResolvedConfig, logger: Logger, metrics: Metrics): Promise<Store> {
  if (config.databaseUrl === undefined) {
    return openSqliteStore(config.dataDir, (message) =>
      logger.warn({ reason: message }, "SQLite checkpoint failed; retrying"),
    )
  }
  const warn = everyFewSeconds((error: unknown) =>
    logger.warn({ err: error }, "PostgreSQL is unavailable; answering KITH_ERR_UNAVAILABLE"),
  )
  return openPostgresStore({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    onPoolError: (error) => warn(error),
    onAway: (error) => {
      metrics.sharedStateUnavailable.inc({ service: "postgres" })
      warn(error)
    },
  })
}
