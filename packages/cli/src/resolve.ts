import { ErrorCode, KithError } from "@kith/protocol"

/**
 * Something a user may name on the command line: a conversation, a friend, a
 * group member. It is found by its exact id or by one of its labels (username,
 * display name, group name).
 */
export interface Candidate<T> {
  id: string
  labels: readonly (string | undefined)[]
  value: T
}

/** How names compare: NFKC, case-insensitive, surrounding blanks and a leading "@" ignored. */
export function normalizeName(name: string): string {
  return name.normalize("NFKC").trim().replace(/^@/, "").toLowerCase()
}

/**
 * Finds the one candidate a user meant. An exact id always wins; otherwise the
 * name must match exactly one candidate — guessing between two people with
 * the same name could send a message to the wrong one.
 */
export function resolveOne<T>(
  query: string,
  candidates: readonly Candidate<T>[],
  what: string,
  notFound: ErrorCode,
): T {
  const byId = candidates.find((c) => c.id === query)
  if (byId) return byId.value
  const wanted = normalizeName(query)
  const matches = new Map<string, Candidate<T>>()
  for (const c of candidates) {
    if (wanted !== "" && c.labels.some((label) => label !== undefined && normalizeName(label) === wanted)) {
      matches.set(c.id, c)
    }
  }
  const [first, ...rest] = matches.values()
  if (!first) throw new KithError(notFound, `no ${what} matches "${query}"`)
  if (rest.length > 0) {
    const ids = [first, ...rest].map((c) => c.id).join(", ")
    throw new KithError(ErrorCode.BadRequest, `"${query}" matches several ${what}s (${ids}); use an id`)
  }
  return first.value
}
