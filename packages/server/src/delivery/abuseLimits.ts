import { ErrorCode, KithError, Limits, toBase64Url, type Delivery } from "@kith/protocol"
import type { ServerContext } from "../context"
import type { RecipientInfo } from "../storage/store"

const HOUR_MS = 3_600_000
/** What a client is told to wait when a mailbox is full: its owner has to come online and read. */
const MAILBOX_FULL_RETRY_MS = 60_000

/**
 * A commit reaches every other device of its group, so the devices it names
 * are the group's size: refusing larger ones caps the group, and with it the
 * fan-out one sender can buy with one message.
 */
export function checkGroupSize(deliveries: readonly Delivery[]): void {
  const devices = new Set<string>()
  for (const d of deliveries) for (const r of d.recipients) devices.add(toBase64Url(r.deviceId))
  if (devices.size > Limits.maxGroupDevices) {
    throw new KithError(
      ErrorCode.GroupTooLarge,
      `a group may have at most ${Limits.maxGroupDevices} devices; this commit reaches ${devices.size}`,
    )
  }
}

/**
 * A flood into one mailbox is refused at the door: once a mailbox holds the
 * configured number of entries, no more messages are stored for it until its
 * device reads and acknowledges. What was accepted is never evicted.
 *
 * A Send to several devices (a group message) skips only the full ones and
 * returns them, to be named in its Ok: refusing it whole would let one
 * long-offline member stop the whole group talking. A Send to one device,
 * or one where every mailbox is full, is still refused whole.
 *
 * Commits get twice the room and are refused whole: refusing them at the
 * same point would freeze every group of that device — even the commit that
 * removes it — while a hard ceiling still stops a friend flooding through
 * commits to made-up groups. Skipping a device would leave it behind the
 * group's epoch for good, so a commit is never partly delivered.
 */
export function fullMailboxesToSkip(
  ctx: ServerContext,
  recipients: ReadonlyMap<string, RecipientInfo>,
  kind: "send" | "commit",
): Set<string> {
  const max = ctx.config.abuse.maxQueuedPerMailbox * (kind === "commit" ? 2 : 1)
  const full = new Set<string>()
  for (const [deviceId, info] of recipients) if (info.queued >= max) full.add(deviceId)
  if (full.size === 0) return full
  if (kind === "commit" || recipients.size < 2 || full.size === recipients.size) {
    throw new KithError(ErrorCode.MailboxFull, "a recipient's mailbox is full; try again later", {
      retryAfterMs: MAILBOX_FULL_RETRY_MS,
    })
  }
  return full
}

/**
 * Friend requests (unsealed deliveries to another account) are the one way
 * strangers reach someone, so they are counted three times: per account, per
 * network (the salted daily hash of the address the sender connects from,
 * against many accounts made behind one address) and server-wide (a ceiling
 * for a spam wave from many addresses).
 */
export async function limitFriendRequests(
  ctx: ServerContext,
  sender: { accountId: string; addressKey?: string },
  count: number,
): Promise<void> {
  const { friendRequestsPerHourPerAddress, friendRequestsPerHourTotal } = ctx.config.abuse
  await take(ctx, `unsealed:${sender.accountId}`, count, Limits.unsealedPerHour)
  if (sender.addressKey !== undefined && sender.addressKey !== "") {
    await take(ctx, `unsealed-ip:${sender.addressKey}`, count, friendRequestsPerHourPerAddress)
  }
  await take(ctx, "unsealed-all", count, friendRequestsPerHourTotal)
}

async function take(ctx: ServerContext, key: string, cost: number, limit: number): Promise<void> {
  const decision = await ctx.rateLimiter.take(key, cost, limit, HOUR_MS)
  if (!decision.allowed) {
    throw new KithError(ErrorCode.RateLimited, "too many friend requests this hour", {
      retryAfterMs: decision.retryAfterMs,
    })
  }
}
