/** How often one kind of outage warning may be logged. */
const QUIET_MS = 5000

/**
 * Wraps a warning so an outage that fails every request logs a line every
 * few seconds, not one per request.
 */
export function everyFewSeconds<A extends unknown[]>(warn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity
  return (...args) => {
    const now = Date.now()
    if (now - last < QUIET_MS) return
    last = now
    warn(...args)
  }
}
