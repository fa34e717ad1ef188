/**
 * Wraps a name in Unicode first-strong isolates so that a Latin name inside an
 * Arabic sentence (or the reverse) keeps its own direction and does not drag
 * the punctuation around it to the wrong side.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`
}
