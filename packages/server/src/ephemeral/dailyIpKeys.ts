import { createHmac } from "node:crypto"
import type { Clock } from "../clock"
import { dayOf } from "../clock"
import { randomBytesArray } from "../ids"

/** Where the day's salt comes from: made here (one node), or shared through Redis (a cluster). */
export type DailySalt = (day: number) => Promise<Uint8Array>

const localSalt: DailySalt = async () => randomBytesArray(32)

/**
 * Turns an IP address into a rate-limit key that cannot be turned back: an
 * HMAC under a random salt that lives only in memory (or Redis, so every node
 * of a cluster counts one address alike) and is replaced every day, so keys
 * from different days cannot be linked and the server never holds the address itself.
 */
export class DailyIpKeys {
  private day = -1
  private salt: Promise<Uint8Array> = Promise.resolve(new Uint8Array(0))

  constructor(
    private readonly clock: Clock,
    private readonly saltOf: DailySalt = localSalt,
  ) {}

  async keyFor(ip: string): Promise<string> {
    const today = dayOf(this.clock())
    if (today !== this.day) {
      this.day = today
      this.salt = this.saltOf(today)
      // A failed fetch is not kept: the next request asks again.
      this.salt.catch(() => {
        if (this.day === today) this.day = -1
      })
    }
    return createHmac("sha256", await this.salt)
      .update(ip)
      .digest("base64url")
      .slice(0, 22)
  }
}
