import { hash } from "node:crypto"
import { bytesEqual, ErrorCode, KithError, toBase64Url, type Delivery } from "@kith/protocol"
import type { RecipientInfo, StoredDelivery } from "../storage/store"

export interface DeliveryPlan {
  /** What to store: per delivery, its known recipient devices, each once. */
  stored: StoredDelivery[]
  /** Recipients that are not devices (skipped, reported back in Ok). */
  unknown: string[]
  /** Deliveries that reach another account without a delivery token: friend requests. */
  unsealedCount: number
}

/**
 * Decides, before anything is stored, whether a Send or SubmitCommit may be
 * delivered. A sealed recipient (non-empty token) must present the token
 * whose SHA-256 its account registered — one wrong token refuses the whole
 * frame. An unsealed recipient needs a known sender; to another account it
 * is a friend request and counts against the sender's hourly budget.
 */
export function planDeliveries(
  deliveries: readonly Delivery[],
  recipients: ReadonlyMap<string, RecipientInfo>,
  senderAccountId: string | undefined,
): DeliveryPlan {
  const stored: StoredDelivery[] = []
  const unknown = new Set<string>()
  let unsealedCount = 0
  for (const delivery of deliveries) {
    const deviceIds = new Set<string>()
    let unsealedToOthers = false
    for (const recipient of delivery.recipients) {
      const deviceId = toBase64Url(recipient.deviceId)
      const info = recipients.get(deviceId)
      if (info === undefined) {
        unknown.add(deviceId)
        continue
      }
      if (recipient.deliveryToken.length > 0) {
        if (
          info.deliveryVerifier === null ||
          !bytesEqual(sha256(recipient.deliveryToken), info.deliveryVerifier)
        ) {
          throw new KithError(ErrorCode.DeliveryToken, "a delivery token does not match its recipient")
        }
      } else {
        if (senderAccountId === undefined) {
          throw new KithError(
            ErrorCode.Unauthenticated,
            "unsealed deliveries need an authenticated connection",
          )
        }
        if (info.accountId !== senderAccountId) unsealedToOthers = true
      }
      deviceIds.add(deviceId)
    }
    if (unsealedToOthers) unsealedCount++
    if (deviceIds.size > 0) stored.push({ payload: delivery.payload, deviceIds: [...deviceIds] })
  }
  return { stored, unknown: [...unknown], unsealedCount }
}

/** One-shot hashing: no Hash object per token, which every sealed message checks. */
function sha256(bytes: Uint8Array): Uint8Array {
  return hash("sha256", bytes, "buffer")
}
