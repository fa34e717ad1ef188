import type { ServerContext } from "./context"
import type { SweepResult } from "./storage/store"

/**
 * One pass of forgetting: expired mailbox entries and ciphertexts, idle
 * groups, and every expired session, challenge, counter and linking slot.
 */
export async function sweepOnce(ctx: ServerContext): Promise<SweepResult> {
  const result = await ctx.store.sweepExpired(ctx.clock())
  ctx.metrics.expiredRows.inc({ table: "mailbox_entries" }, result.mailboxEntries)
  ctx.metrics.expiredRows.inc({ table: "ciphertexts" }, result.ciphertexts)
  ctx.metrics.expiredRows.inc({ table: "groups" }, result.groups)
  ctx.metrics.expiredRows.inc({ table: "reports" }, result.reports)
  ctx.metrics.expiredRows.inc({ table: "blobs" }, await ctx.blobs.sweep())
  await ctx.sessions.prune()
  await ctx.sessionChallenges.prune()
  await ctx.registrationChallenges.prune()
  await ctx.rateLimiter.prune()
  await ctx.provisioning.prune()
  return result
}

/** Runs the sweep every `intervalMs`; returns a function that stops it. */
export function startSweeper(ctx: ServerContext, intervalMs: number): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweepOnce(ctx)
      .catch((error: unknown) => ctx.logger.error({ err: error }, "expiry sweep failed"))
      .finally(() => {
        running = false
      })
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
