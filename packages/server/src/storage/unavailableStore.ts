import { ErrorCode, KithError } from "@kith/protocol"
import type { Store } from "./store"

/** How long a client is asked to wait when the database is away. */
export const DATABASE_RETRY_AFTER_MS = 1000

/**
 * Wraps every method of a store so that failures `isAway` recognises (the
 * database restarting, unreachable, or a lost race retried too often) become
 * KITH_ERR_UNAVAILABLE with a retry hint; every other error passes unchanged.
 * `onAway` hears each such failure (for a log line and a metric).
 */
export function withUnavailableErrors(
  store: Store,
  isAway: (error: unknown) => boolean,
  onAway: (error: unknown) => void,
): Store {
  const translate = (error: unknown): unknown => {
    if (error instanceof KithError || !isAway(error)) return error
    onAway(error)
    return new KithError(ErrorCode.Unavailable, "the database is unavailable; try again shortly", {
      retryAfterMs: DATABASE_RETRY_AFTER_MS,
    })
  }
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver)
        if (typeof value !== "function") return value
        return (...args: unknown[]) =>
          (value as (...a: unknown[]) => Promise<unknown>).apply(object, args).catch((error: unknown) => {
            throw translate(error)
          })
      },
    })
  return {
    accounts: guard(store.accounts),
    devices: guard(store.devices),
    keyPackages: guard(store.keyPackages),
    mailboxes: guard(store.mailboxes),
    secrets: guard(store.secrets),
    ratchetTrees: guard(store.ratchetTrees),
    reports: guard(store.reports),
    sweepExpired: (nowMs) =>
      store.sweepExpired(nowMs).catch((error: unknown) => {
        throw translate(error)
      }),
    ping: () =>
      store.ping().catch((error: unknown) => {
        throw translate(error)
      }),
    close: () => store.close(),
  }
}
