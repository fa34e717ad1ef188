import type { Clock } from "../clock"
import { newId } from "../ids"

/**
 * Device-linking slots (docs/protocol.md §6): an owner account opens one, the
 * new device posts its encrypted request, the owner posts the encrypted
 * response, the new device takes it and the slot closes. In memory (Redis in a
 * cluster: redisProvisioningSlots.ts), 10 minutes at most; the server sees
 * ciphertext under a key it never learns.
 */
export interface ProvisioningSlots {
  create(ownerAccountId: string, ttlMs: number): Promise<string>
  putRequest(id: string, ciphertext: Uint8Array): Promise<SlotWrite>
  /** The request, for the slot's owner only; undefined if absent, not posted yet or not theirs. */
  getRequest(id: string, ownerAccountId: string): Promise<Uint8Array | undefined>
  putResponse(id: string, ownerAccountId: string, ciphertext: Uint8Array): Promise<SlotWrite>
  /** The response, once; the slot is gone afterwards. undefined while absent or not posted yet. */
  takeResponse(id: string): Promise<Uint8Array | undefined>
  dropOwner(ownerAccountId: string): Promise<void>
  prune(): Promise<void>
}

export type SlotWrite = "ok" | "notFound" | "alreadySet"

interface Slot {
  owner: string
  expiresAtMs: number
  request?: Uint8Array
  response?: Uint8Array
}

export class MemoryProvisioningSlots implements ProvisioningSlots {
  private readonly slots = new Map<string, Slot>()

  constructor(private readonly clock: Clock) {}

  async create(ownerAccountId: string, ttlMs: number): Promise<string> {
    const id = newId()
    this.slots.set(id, { owner: ownerAccountId, expiresAtMs: this.clock() + ttlMs })
    return id
  }

  async putRequest(id: string, ciphertext: Uint8Array): Promise<SlotWrite> {
    const slot = this.live(id)
    if (slot === undefined) return "notFound"
    if (slot.request !== undefined) return "alreadySet"
    slot.request = ciphertext
    return "ok"
  }

  async getRequest(id: string, ownerAccountId: string): Promise<Uint8Array | undefined> {
    const slot = this.live(id)
    return slot?.owner === ownerAccountId ? slot.request : undefined
  }

  async putResponse(id: string, ownerAccountId: string, ciphertext: Uint8Array): Promise<SlotWrite> {
    const slot = this.live(id)
    if (slot === undefined || slot.owner !== ownerAccountId) return "notFound"
    if (slot.response !== undefined) return "alreadySet"
    slot.response = ciphertext
    return "ok"
  }

  async takeResponse(id: string): Promise<Uint8Array | undefined> {
    const slot = this.live(id)
    if (slot?.response === undefined) return undefined
    this.slots.delete(id)
    return slot.response
  }

  async dropOwner(ownerAccountId: string): Promise<void> {
    for (const [id, slot] of this.slots) if (slot.owner === ownerAccountId) this.slots.delete(id)
  }

  async prune(): Promise<void> {
    const now = this.clock()
    for (const [id, slot] of this.slots) if (slot.expiresAtMs <= now) this.slots.delete(id)
  }

  private live(id: string): Slot | undefined {
    const slot = this.slots.get(id)
    if (slot === undefined) return undefined
    if (slot.expiresAtMs > this.clock()) return slot
    this.slots.delete(id)
    return undefined
  }
}
