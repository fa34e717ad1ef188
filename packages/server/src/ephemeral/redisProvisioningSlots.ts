import type { Redis } from "ioredis"
import { fromBase64Url, toBase64Url } from "@kith/protocol"
import { newId } from "../ids"
import type { ProvisioningSlots, SlotWrite } from "./provisioningSlots"
import { viaRedis } from "../cluster/redisClient"

/** KEYS: slot. ARGV: ciphertext. */
const PUT_REQUEST = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'notFound' end
if redis.call('HEXISTS', KEYS[1], 'request') == 1 then return 'alreadySet' end
redis.call('HSET', KEYS[1], 'request', ARGV[1])
return 'ok'`

/** KEYS: slot. ARGV: owner, ciphertext. */
const PUT_RESPONSE = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 'notFound' end
if redis.call('HEXISTS', KEYS[1], 'response') == 1 then return 'alreadySet' end
redis.call('HSET', KEYS[1], 'response', ARGV[2])
return 'ok'`

/** KEYS: slot. The response once, and the slot is gone. */
const TAKE_RESPONSE = `
local response = redis.call('HGET', KEYS[1], 'response')
if response then redis.call('DEL', KEYS[1]) end
return response`

/**
 * Device-linking slots in Redis, so the two devices may talk to different
 * nodes: a hash per slot (owner account id, the two ciphertexts, base64url)
 * and a set of slot ids per owner (to drop them with the account), both
 * expiring with the slot.
 */
export class RedisProvisioningSlots implements ProvisioningSlots {
  constructor(
    private readonly redis: Redis,
    /** e.g. `kith:` — slots under `<prefix>provisioning:`, owner sets under `<prefix>provisioning-owner:`. */
    private readonly prefix: string,
  ) {}

  async create(ownerAccountId: string, ttlMs: number): Promise<string> {
    const id = newId()
    const owned = this.ownerKey(ownerAccountId)
    await viaRedis(() =>
      this.redis
        .multi()
        .hset(this.slotKey(id), "owner", ownerAccountId)
        .pexpire(this.slotKey(id), ttlMs)
        .sadd(owned, id)
        .pexpire(owned, ttlMs)
        .exec(),
    )
    return id
  }

  async putRequest(id: string, ciphertext: Uint8Array): Promise<SlotWrite> {
    return viaRedis(
      async () =>
        (await this.redis.eval(PUT_REQUEST, 1, this.slotKey(id), toBase64Url(ciphertext))) as SlotWrite,
    )
  }

  async getRequest(id: string, ownerAccountId: string): Promise<Uint8Array | undefined> {
    const [owner, request] = await viaRedis(() => this.redis.hmget(this.slotKey(id), "owner", "request"))
    if (owner !== ownerAccountId || request === null || request === undefined) return undefined
    return fromBase64Url(request)
  }

  async putResponse(id: string, ownerAccountId: string, ciphertext: Uint8Array): Promise<SlotWrite> {
    return viaRedis(
      async () =>
        (await this.redis.eval(
          PUT_RESPONSE,
          1,
          this.slotKey(id),
          ownerAccountId,
          toBase64Url(ciphertext),
        )) as SlotWrite,
    )
  }

  async takeResponse(id: string): Promise<Uint8Array | undefined> {
    const response = await viaRedis(
      async () => (await this.redis.eval(TAKE_RESPONSE, 1, this.slotKey(id))) as string | null,
    )
    return response === null ? undefined : fromBase64Url(response)
  }

  async dropOwner(ownerAccountId: string): Promise<void> {
    await viaRedis(async () => {
      const owned = this.ownerKey(ownerAccountId)
      const ids = await this.redis.smembers(owned)
      await this.redis.del(owned, ...ids.map((id) => this.slotKey(id)))
    })
  }

  async prune(): Promise<void> {
    // Slots expire by themselves.
  }

  private slotKey(id: string): string {
    return `${this.prefix}provisioning:${id}`
  }

  private ownerKey(accountId: string): string {
    return `${this.prefix}provisioning-owner:${accountId}`
  }
}
