import { hash } from "node:crypto"
import { toBase64Url } from "@kith/protocol"
import type { Clock } from "../clock"
import { randomBytesArray } from "../ids"

/** A device session: what a bearer token stands for. */
export interface Session {
  accountId: string
  deviceId: string
  expiresAtMs: number
}

/**
 * Device sessions, in memory (a restart ends every session and devices sign
 * a new challenge), or in Redis with TTLs in a cluster (redisSessionStore.ts),
 * so a client may reconnect to any node.
 */
export interface SessionStore {
  open(accountId: string, deviceId: string, ttlMs: number): Promise<{ token: string; expiresAtMs: number }>
  get(token: string): Promise<Session | undefined>
  /** The same by the token's key (keyOf): a connection checks its session on every frame and hashes once. */
  getByKey(key: string): Promise<Session | undefined>
  endDevices(deviceIds: readonly string[]): Promise<void>
  prune(): Promise<void>
}

/** A device rarely needs more than a few live sessions; the oldest go first. */
export const MAX_SESSIONS_PER_DEVICE = 16

export class MemorySessionStore implements SessionStore {
  // Keyed by SHA-256 of the token: a memory dump yields no usable token.
  private readonly sessions = new Map<string, Session>()
  private readonly byDevice = new Map<string, string[]>()

  constructor(private readonly clock: Clock) {}

  async open(
    accountId: string,
    deviceId: string,
    ttlMs: number,
  ): Promise<{ token: string; expiresAtMs: number }> {
    const token = toBase64Url(randomBytesArray(32))
    const key = keyOf(token)
    const expiresAtMs = this.clock() + ttlMs
    this.sessions.set(key, { accountId, deviceId, expiresAtMs })
    const keys = [...(this.byDevice.get(deviceId) ?? []), key]
    while (keys.length > MAX_SESSIONS_PER_DEVICE) this.sessions.delete(keys.shift()!)
    this.byDevice.set(deviceId, keys)
    return { token, expiresAtMs }
  }

  get(token: string): Promise<Session | undefined> {
    return this.getByKey(keyOf(token))
  }

  async getByKey(key: string): Promise<Session | undefined> {
    const session = this.sessions.get(key)
    if (session === undefined || session.expiresAtMs <= this.clock()) return undefined
    return session
  }

  async endDevices(deviceIds: readonly string[]): Promise<void> {
    for (const deviceId of deviceIds) {
      for (const key of this.byDevice.get(deviceId) ?? []) this.sessions.delete(key)
      this.byDevice.delete(deviceId)
    }
  }

  async prune(): Promise<void> {
    const now = this.clock()
    for (const [deviceId, keys] of this.byDevice) {
      const live = keys.filter((key) => {
        const session = this.sessions.get(key)
        if (session !== undefined && session.expiresAtMs > now) return true
        this.sessions.delete(key)
        return false
      })
      if (live.length === 0) this.byDevice.delete(deviceId)
      else this.byDevice.set(deviceId, live)
    }
  }
}

/** Sessions are keyed by SHA-256 of the token, never the token itself. */
export function keyOf(token: string): string {
  return hash("sha256", token, "base64url")
}
