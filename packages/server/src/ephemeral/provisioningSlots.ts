import type { Clock } from "../clock"
import { newId } from "../ids"

/**
 * Device-linking slots (docs/protocol.md §6): an owner account opens one, the
 * new device posts its encrypted request, the owner posts the encrypted
 * response, the new device takes it and the slot closes. Memory only, 10
 * minutes at most; the server sees ciphertext under a key it never learns.
 */
export interface ProvisioningSlots {
  create(ownerAccountId: string, ttlMs: number): string
  putRequest(id: string, ciphertext: Uint8Array): "ok" | "notFound" | "alreadySet"
  /** The request, for the slot's owner only; undefined if absent, not posted yet or not theirs. */
  getRequest(id: string, ownerAccountId: string): Uint8Array | undefined
  putResponse(id: string, ownerAccountId: string, ciphertext: Uint8Array): "ok" | "notFound" | "alreadySet"
  /** The response, once; the slot is gone afterwards. undefined while absent or not posted yet. */
  takeResponse(id: string): Uint8Array | undefined
  dropOwner(ownerAccountId: string): void
  prune(): void
}

interface Slot {
  owner: string
  expiresAtMs: number
  request?: Uint8Array
  response?: Uint8Array
}

export class MemoryProvisioningSlots implements ProvisioningSlots {
  private readonly slots = new Map<string, Slot>()

  constructor(private readonly clock: Clock) {}

  create(ownerAccountId: string, ttlMs: number): string {
    const id = newId()
    this.slots.set(id, { owner: ownerAccountId, expiresAtMs: this.clock() + ttlMs })
    return id
  }

  putRequest(id: string, ciphertext: Uint8Array): "ok" | "notFound" | "alreadySet" {
    const slot = this.live(id)
    if (slot === undefined) return "notFound"
    if (slot.request !== undefined) return "alreadySet"
    slot.request = ciphertext
    return "ok"
  }

  getRequest(id: string, ownerAccountId: string): Uint8Array | undefined {
    const slot = this.live(id)
    return slot?.owner === ownerAccountId ? slot.request : undefined
  }

  putResponse(id: string, ownerAccountId: string, ciphertext: Uint8Array): "ok" | "notFound" | "alreadySet" {
    const slot = this.live(id)
    if (slot === undefined || slot.owner !== ownerAccountId) return "notFound"
    if (slot.response !== undefined) return "alreadySet"
    slot.response = ciphertext
    return "ok"
  }

  takeResponse(id: string): Uint8Array | undefined {
    const slot = this.live(id)
    if (slot?.response === undefined) return undefined
    this.slots.delete(id)
    return slot.response
  }

  dropOwner(ownerAccountId: string): void {
    for (const [id, slot] of this.slots) if (slot.owner === ownerAccountId) this.slots.delete(id)
  }

  prune(): void {
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
