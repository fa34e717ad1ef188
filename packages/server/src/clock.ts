/** Milliseconds since the Unix epoch; injected so tests can move time. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()

const DAY_MS = 86_400_000

/** Days since the Unix epoch: the coarsest time the server keeps about a device or group. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS)
}
