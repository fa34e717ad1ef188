import type { Command } from "commander"

/**
 * Kith identifiers are base64url, so about one in 64 starts with "-" — and a
 * command-line parser reads `kith friend accept -c0sDBzK…` as an unknown
 * option (or, for "-V…" and "-h…", as --version and --help). Before parsing,
 * every argument shaped like a Kith id (16 bytes → 22 characters) or link
 * code (32 bytes → 43 characters) is shielded with a prefix no real argument
 * can contain (a NUL); just before the command runs, the prefix comes off
 * its arguments and option values again.
 */
const SHIELD = "\u0000"
const idShape = /^-(?:[A-Za-z0-9_-]{21}|[A-Za-z0-9_-]{42})$/

export function shieldIds(argv: readonly string[]): string[] {
  return argv.map((arg) => (idShape.test(arg) ? SHIELD + arg : arg))
}

export function unshield<T>(value: T): T {
  if (typeof value === "string") return value.split(SHIELD).join("") as T
  if (Array.isArray(value)) return value.map(unshield) as T
  return value
}

/** A preAction hook: the command about to run sees the arguments as typed. */
export function unshieldCommand(command: Command): void {
  command.processedArgs = command.processedArgs.map(unshield)
  for (let c: Command | null = command; c; c = c.parent) {
    for (const option of c.options) {
      const key = option.attributeName()
      const value: unknown = c.getOptionValue(key)
      if (value !== undefined) c.setOptionValue(key, unshield(value))
    }
  }
}
