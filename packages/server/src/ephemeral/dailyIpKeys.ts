import { createHmac } from "node:crypto"
import type { Clock } from "../clock"
import { dayOf } from "../clock"
import { randomBytesArray } from "../ids"

/**
 * Turns an IP address into a rate-limit key that cannot be turned back: an
 * HMAC under a random salt that lives only in memory and is replaced every
 * day, so keys from different days cannot be linked and the server never
 * holds the address itself.
 */
export class DailyIpKeys {
  private day = -1
  private salt: Uint8Array = new Uint8Array(0)

  constructor(private readonly clock: Clock) {}

  keyFor(ip: string): string {
    const today = dayOf(this.clock())
    if (today !== this.day) {
      this.day = today
      this.salt = randomBytesArray(32)
    }
    return createHmac("sha256", this.salt).update(ip).digest("base64url").slice(0, 22)
  }
}
