/**
 * What the engine needs from its surroundings that tests must control: time
 * (recall windows, retries, polling) and randomness (identifiers, keys,
 * nonces). Defaults use the platform; tests inject their own.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Resolves after `ms`, or as soon as `signal` aborts (so pending waits never hold a process open). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export type RandomBytes = (length: number) => Uint8Array

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        signal?.removeEventListener("abort", done)
        resolve()
      }
      signal?.addEventListener("abort", done)
    }),
}

export const secureRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length))
