/**
 * What the engine needs from its surroundings that tests must control: time
 * (recall windows, retries, polling) and randomness (identifiers, keys,
 * nonces). Defaults use the platform; tests inject their own.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  sleep(ms: number): Promise<void>
}

export type RandomBytes = (length: number) => Uint8Array

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export const secureRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length))
