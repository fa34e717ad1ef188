/**
 * Which PostgreSQL failures say "the database is away for now" rather than
 * "this request is wrong": those become KITH_ERR_UNAVAILABLE (retryable) at
 * the store's edge, so a restart or a network cut shows clients a short
 * retry, not an internal error, and the node keeps running.
 */

/** Serialization failure and deadlock: the transaction lost a race and may simply run again. */
const RACE_LOST = new Set(["40001", "40P01"])

/** SQLSTATE classes of an unreachable or unwilling server: connection exceptions, operator intervention, resources. */
const AWAY_CLASSES = ["08", "57", "53"]

/** Socket-level failures on the way to the server. */
const AWAY_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EAI_AGAIN",
])

/** node-postgres reports a dropped connection or a full, waiting pool by message only. */
const AWAY_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
  "Client was closed and is not queryable",
  "Connection ended unexpectedly",
]

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === "string" ? code : undefined
}

export function isLostRace(error: unknown): boolean {
  const code = codeOf(error)
  return code !== undefined && RACE_LOST.has(code)
}

/** A lost race is run again this many times before giving up. */
const MAX_ATTEMPTS = 5

/** Runs a transaction or statement again if PostgreSQL chose it as the loser of a deadlock or serialization race. */
export async function retryLostRaces<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (!isLostRace(error) || attempt >= MAX_ATTEMPTS) throw error
    }
  }
}

export function isDatabaseAway(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = codeOf(error)
  if (code !== undefined) {
    if (AWAY_SOCKET_CODES.has(code)) return true
    if (code.length === 5 && AWAY_CLASSES.some((c) => code.startsWith(c))) return true
  }
  if (error instanceof AggregateError) return error.errors.some(isDatabaseAway)
  return AWAY_MESSAGES.some((m) => error.message.includes(m))
}
