import { Redis } from "ioredis"
import { ErrorCode, KithError } from "@kith/protocol"

/** How long a client is asked to wait when Redis is away. */
export const REDIS_RETRY_AFTER_MS = 1000

/**
 * A connection to Redis that fails fast while Redis is away (no offline
 * queue: a request gets KITH_ERR_UNAVAILABLE at once instead of hanging) and
 * reconnects by itself, trying again at most every second.
 */
export async function connectRedis(url: string, onError: (error: unknown) => void): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  // Without a listener every reconnect attempt would be reported as unhandled.
  redis.on("error", onError)
  await redis.connect()
  return redis
}

/** Runs one Redis operation; a failure (Redis away, connection lost) becomes KITH_ERR_UNAVAILABLE. */
export async function viaRedis<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    if (error instanceof KithError) throw error
    throw new KithError(ErrorCode.Unavailable, "shared state is unavailable; try again shortly", {
      retryAfterMs: REDIS_RETRY_AFTER_MS,
    })
  }
}
