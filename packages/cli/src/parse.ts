import { InvalidArgumentError } from "commander"

/** Argument parsers for commander: a bad value is a usage error (exit 2) before anything runs. */

export function positiveInteger(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1")
  return n
}

/** Words given as several arguments, joined as typed: `kith send bob hello there` sends "hello there". */
export function joinWords(words: readonly string[]): string {
  return words.join(" ")
}
