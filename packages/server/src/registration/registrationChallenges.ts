import { createHmac } from "node:crypto"
import { bytesEqual, concatBytes, toBase64Url } from "@kith/protocol"
import type { Clock } from "../clock"
import type { ExpiringSet } from "../ephemeral/expiringSet"
import { randomBytesArray } from "../ids"

export const REGISTRATION_CHALLENGE_TTL_MS = 5 * 60 * 1000
/** Clocks of several nodes may disagree a little; a challenge "from the future" is tolerated this much. */
const CLOCK_SKEW_MS = 30 * 1000

/**
 * Stateless registration challenges: issuedAt (8 bytes, ms) || random (16) ||
 * HMAC-SHA256(server key, first 24 bytes)[0..16]. Issuing stores nothing, so
 * asking for challenges costs the server no memory; only spent ones are
 * remembered, until they would have expired anyway.
 */
export class RegistrationChallenges {
  constructor(
    private readonly key: Uint8Array,
    private readonly clock: Clock,
    private readonly spent: ExpiringSet,
  ) {}

  issue(): Uint8Array {
    const head = new Uint8Array(24)
    new DataView(head.buffer).setBigUint64(0, BigInt(this.clock()))
    head.set(randomBytesArray(16), 8)
    return concatBytes(head, this.mac(head))
  }

  /** Authentic, fresh and unspent (does not spend it). */
  isValid(challenge: Uint8Array): boolean {
    if (challenge.length !== 40) return false
    const head = challenge.subarray(0, 24)
    if (!bytesEqual(challenge.subarray(24), this.mac(head))) return false
    const issuedAt = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0))
    const now = this.clock()
    return issuedAt <= now + CLOCK_SKEW_MS && now < issuedAt + REGISTRATION_CHALLENGE_TTL_MS
  }

  /** Marks a valid challenge spent; false if it was spent already. */
  spend(challenge: Uint8Array): Promise<boolean> {
    const issuedAt = Number(new DataView(challenge.buffer, challenge.byteOffset, 8).getBigUint64(0))
    return this.spent.addIfAbsent(toBase64Url(challenge), issuedAt + REGISTRATION_CHALLENGE_TTL_MS)
  }

  prune(): Promise<void> {
    return this.spent.prune()
  }

  private mac(head: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac("sha256", this.key).update(head).digest().subarray(0, 16))
  }
}
