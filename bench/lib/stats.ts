/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  )
}

export interface RunFigures {
  delivered: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
}

export function summarise(latenciesMs: number[], seconds: number): RunFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b)
  return {
    delivered: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  }
}
