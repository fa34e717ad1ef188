import { ErrorCode, fromBase64Url, KithError, Limits, type frames } from "@kith/protocol"
import { groupMembers, ownLeafIndex, type GroupState } from "./mlsGroup"

/**
 * Addressing ciphertexts: one payload, many recipient devices, each sealed
 * with its account's delivery token ([W6]) — or unsealed ([W7]) for the few
 * deliveries that go to a stranger (friend requests).
 */
export interface Recipient {
  accountId: string
  deviceId: string
  /** base64url delivery token; absent for an unsealed delivery. */
  deliveryToken?: string
}

export interface OutgoingDelivery {
  payload: Uint8Array
  recipients: Recipient[]
}

/** Looks up the delivery token for an account (this account's own, or one a friend or member shared). */
export type TokenOf = (accountId: string) => string | undefined

/** Every device in the group but this one, with its account's token where known. */
export function groupRecipients(
  state: GroupState,
  tokenOf: TokenOf,
  except: Set<number> = new Set(),
): Recipient[] {
  const self = ownLeafIndex(state)
  return groupMembers(state)
    .filter((m) => m.leafIndex !== self && !except.has(m.leafIndex))
    .map((m) => ({ accountId: m.accountId, deviceId: m.deviceId, deliveryToken: tokenOf(m.accountId) }))
}

export const isSealed = (deliveries: OutgoingDelivery[]) =>
  deliveries.every((d) => d.recipients.every((r) => r.deliveryToken !== undefined))

/** Splits deliveries into frames within the protocol's limits (recipients per delivery, deliveries per frame). */
export function toFrameDeliveries(deliveries: OutgoingDelivery[]): frames.Delivery[][] {
  const flat: frames.Delivery[] = []
  for (const d of deliveries) {
    if (d.payload.length > Limits.maxPayloadBytes) {
      throw new KithError(
        ErrorCode.TooLarge,
        `a ${d.payload.length}-byte payload is over the ${Limits.maxPayloadBytes}-byte limit`,
      )
    }
    for (let i = 0; i < d.recipients.length; i += Limits.maxRecipientsPerDelivery) {
      const recipients = d.recipients.slice(i, i + Limits.maxRecipientsPerDelivery).map((r) => ({
        deviceId: fromBase64Url(r.deviceId)!,
        deliveryToken: r.deliveryToken === undefined ? new Uint8Array() : fromBase64Url(r.deliveryToken)!,
      }))
      flat.push({ payload: d.payload, recipients } as frames.Delivery)
    }
  }
  const framesOut: frames.Delivery[][] = []
  for (let i = 0; i < flat.length; i += Limits.maxDeliveriesPerFrame) {
    framesOut.push(flat.slice(i, i + Limits.maxDeliveriesPerFrame))
  }
  return framesOut
}
