/**
 * Splits a list for `IN (...)` clauses and multi-row inserts, so no statement
 * passes the engines' bound-parameter limits (SQLite: 32766; PostgreSQL: 65535).
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
