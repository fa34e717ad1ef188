import type { Redis } from "ioredis"
import { toBase64Url } from "@kith/protocol"
import type { Clock } from "../clock"
import { randomBytesArray } from "../ids"
import { keyOf, MAX_SESSIONS_PER_DEVICE, type Session, type SessionStore } from "./sessionStore"
import { viaRedis } from "../cluster/redisClient"

/**
 * Opens a session: stores it under the hash of its token with its TTL, adds
 * that hash to the device's index (a sorted set by expiry), drops expired and
 * surplus (oldest first) sessions of the device, and keeps the index no
 * longer than its newest session.
 * KEYS: session key, device index. ARGV: hash, value, expiresAtMs, ttlMs, now, max, session key prefix.
 */
const OPEN = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
-- Scores are expiries, kept strictly increasing so sessions opened in the same millisecond still leave oldest first.
local score = tonumber(ARGV[3])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] and tonumber(top[2]) >= score then score = tonumber(top[2]) + 0.001 end
redis.call('ZADD', KEYS[2], string.format('%.3f', score), ARGV[1])
for _, old in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])) do
  redis.call('DEL', ARGV[7] .. old)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[5])
local surplus = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
if surplus > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], surplus)
  for i = 1, #popped, 2 do redis.call('DEL', ARGV[7] .. popped[i]) end
end
local newest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], math.ceil(tonumber(newest[2])))
return 1`

/** Ends every session of one device. KEYS: device index. ARGV: session key prefix. */
const END_DEVICE = `
for _, hash in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  redis.call('DEL', ARGV[1] .. hash)
end
redis.call('DEL', KEYS[1])
return 1`

/**
 * Device sessions in Redis, so a client may reconnect to any node: the key
 * is the SHA-256 of the token (the token itself is never stored), the value
 * the account id, device id and expiry, and Redis deletes it when it expires.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    /** e.g. `kith:` — sessions live under `<prefix>session:`, device indexes under `<prefix>device-sessions:`. */
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  async open(
    accountId: string,
    deviceId: string,
    ttlMs: number,
  ): Promise<{ token: string; expiresAtMs: number }> {
    const token = toBase64Url(randomBytesArray(32))
    const hash = keyOf(token)
    const now = this.clock()
    const expiresAtMs = now + ttlMs
    const value = JSON.stringify([accountId, deviceId, expiresAtMs])
    await viaRedis(() =>
      this.redis.eval(
        OPEN,
        2,
        this.sessionKey(hash),
        this.indexKey(deviceId),
        hash,
        value,
        expiresAtMs,
        ttlMs,
        now,
        MAX_SESSIONS_PER_DEVICE,
        this.sessionKey(""),
      ),
    )
    return { token, expiresAtMs }
  }

  get(token: string): Promise<Session | undefined> {
    return this.getByKey(keyOf(token))
  }

  async getByKey(key: string): Promise<Session | undefined> {
    const value = await viaRedis(() => this.redis.get(this.sessionKey(key)))
    if (value === null) return undefined
    const [accountId, deviceId, expiresAtMs] = JSON.parse(value) as [string, string, number]
    if (expiresAtMs <= this.clock()) return undefined
    return { accountId, deviceId, expiresAtMs }
  }

  async endDevices(deviceIds: readonly string[]): Promise<void> {
    await viaRedis(async () => {
      for (const deviceId of deviceIds) {
        await this.redis.eval(END_DEVICE, 1, this.indexKey(deviceId), this.sessionKey(""))
      }
    })
  }

  async prune(): Promise<void> {
    // Sessions and indexes expire by themselves.
  }

  private sessionKey(hash: string): string {
    return `${this.prefix}session:${hash}`
  }

  private indexKey(deviceId: string): string {
    return `${this.prefix}device-sessions:${deviceId}`
  }
}
