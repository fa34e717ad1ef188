import pino, { type Logger, type LevelWithSilent } from "pino"

export type { Logger }

/**
 * JSON logs that carry no user, account, device, mailbox or group ids, no IP
 * addresses, tokens, usernames or payloads (docs/data-inventory.md). Only the
 * call sites decide what goes in, so the serializers below make the objects
 * frameworks like to log (requests, responses, errors) harmless by default:
 * log an error as `{ err: error }` and only its type, code and stack remain.
 */
export function createLogger(level: LevelWithSilent, stream?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "kith-server" },
    serializers: {
      req: () => undefined,
      res: () => undefined,
      err: safeError,
    },
    // Belt and braces for framework log lines we do not write ourselves (e.g. a refused upgrade's path).
    redact: {
      paths: ["url", "path", "ip", "ips", "hostname", "remoteAddress", "remotePort", "headers", "host"],
      remove: true,
    },
  }
  return stream === undefined ? pino(options) : pino(options, stream)
}

/**
 * An error's type, code and stack frames — but not its message, which may
 * quote input (a JSON parser repeating a request body, a driver repeating a value).
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error }
  const code = (error as { code?: unknown }).code
  return {
    type: error.name,
    ...(typeof code === "string" ? { code } : {}),
    stack: (error.stack ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .join("\n"),
  }
}
