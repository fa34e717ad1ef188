import { ErrorCode, fromBase64Url, KithError, Limits, toBase64Url, type Delivery } from "@kith/protocol"
import type { ServerContext } from "../context"
import type { DeliveryResult } from "../storage/store"
import { planDeliveries, type DeliveryPlan } from "./planDeliveries"
import { dayOf } from "../clock"
import { checkGroupSize, fullMailboxesToSkip, limitFriendRequests } from "./abuseLimits"

/** Who is sending, when the connection is authenticated; sealed deliveries do not need it. */
export interface Sender {
  accountId: string
  /** The salted daily hash of the address it connects from (friend requests are counted per network). */
  addressKey?: string
}

/** What an accepted Send's Ok reports: recipients that are not devices, and those skipped as full. */
export interface SendOutcome {
  unknown: Uint8Array[]
  skipped: Uint8Array[]
}

/** Accepts a Send, stored durably before it returns. */
export async function acceptSend(
  ctx: ServerContext,
  deliveries: readonly Delivery[],
  sender: Sender | undefined,
): Promise<SendOutcome> {
  return ctx.admission.run(payloadBytes(deliveries), async () => {
    const plan = await authorise(ctx, deliveries, sender, "send")
    const result = await ctx.store.mailboxes.deliver(plan.stored, ctx.clock() + Limits.mailboxRetentionMs)
    const unknown = await announce(ctx, plan, result)
    return { unknown, skipped: plan.skipped.map((id) => fromBase64Url(id)!) }
  })
}

/**
 * Accepts a SubmitCommit if it is the first for its epoch, storing its
 * deliveries in the same transaction; otherwise throws KITH_ERR_EPOCH_CONFLICT
 * carrying the group's current epoch, and stores nothing.
 */
export async function acceptCommit(
  ctx: ServerContext,
  groupId: Uint8Array,
  epoch: bigint,
  deliveries: readonly Delivery[],
  sender: Sender | undefined,
): Promise<Uint8Array[]> {
  // Stored as a bigint column through JavaScript numbers: 2^53 epochs is more than any group will see.
  if (epoch >= BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new KithError(ErrorCode.BadFrame, "epoch out of range")
  }
  checkGroupSize(deliveries)
  return ctx.admission.run(payloadBytes(deliveries), () =>
    storeCommit(ctx, groupId, Number(epoch), deliveries, sender),
  )
}

async function storeCommit(
  ctx: ServerContext,
  groupId: Uint8Array,
  epoch: number,
  deliveries: readonly Delivery[],
  sender: Sender | undefined,
): Promise<Uint8Array[]> {
  const plan = await authorise(ctx, deliveries, sender, "commit")
  const now = ctx.clock()
  const result = await ctx.store.mailboxes.submitCommit(
    toBase64Url(groupId),
    epoch,
    plan.stored,
    now + Limits.mailboxRetentionMs,
    dayOf(now),
  )
  if (result.kind === "conflict") {
    ctx.metrics.commitsConflicted.inc()
    throw new KithError(ErrorCode.EpochConflict, "another commit already took this epoch", {
      currentEpoch: BigInt(result.currentEpoch),
    })
  }
  ctx.metrics.commitsAccepted.inc()
  return announce(ctx, plan, result)
}

function payloadBytes(deliveries: readonly Delivery[]): number {
  let bytes = 0
  for (const d of deliveries) bytes += d.payload.length
  return bytes
}

async function authorise(
  ctx: ServerContext,
  deliveries: readonly Delivery[],
  sender: Sender | undefined,
  kind: "send" | "commit",
): Promise<DeliveryPlan & { skipped: string[] }> {
  const deviceIds = new Set<string>()
  for (const d of deliveries) for (const r of d.recipients) deviceIds.add(toBase64Url(r.deviceId))
  const recipients = await ctx.store.mailboxes.lookupRecipients([...deviceIds])
  const plan = withoutSkipped(
    planDeliveries(deliveries, recipients, sender?.accountId),
    fullMailboxesToSkip(ctx, recipients, kind),
  )
  if (plan.unsealedCount > 0 && sender !== undefined)
    await limitFriendRequests(ctx, sender, plan.unsealedCount)
  return plan
}

/** The plan minus the devices whose mailbox is full; a delivery left for no one is not stored. */
function withoutSkipped(plan: DeliveryPlan, skipped: Set<string>): DeliveryPlan & { skipped: string[] } {
  if (skipped.size === 0) return { ...plan, skipped: [] }
  const stored = plan.stored
    .map((d) => ({ ...d, deviceIds: d.deviceIds.filter((id) => !skipped.has(id)) }))
    .filter((d) => d.deviceIds.length > 0)
  return { ...plan, stored, skipped: [...skipped] }
}

async function announce(
  ctx: ServerContext,
  plan: DeliveryPlan,
  result: DeliveryResult,
): Promise<Uint8Array[]> {
  ctx.metrics.deliveriesAccepted.inc(plan.stored.length)
  ctx.metrics.mailboxEntriesStored.inc(result.entries)
  await ctx.bus.publish(result.delivered, "news")
  const unknown = new Set([...plan.unknown, ...result.unknown])
  return [...unknown].map((id) => fromBase64Url(id)!)
}
