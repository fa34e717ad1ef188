import { CommanderError } from "commander"
import { ErrorCode, KithError } from "@kith/protocol"

/** The CLI's exit codes: scripts can tell a refused request from a mistyped command. */
export const ExitCode = {
  ok: 0,
  kithError: 1,
  usage: 2,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** The command line itself is wrong (unknown command, missing or malformed argument). */
export class UsageError extends Error {
  override readonly name = "UsageError"
}

export interface Failure {
  code: string
  message: string
  exitCode: ExitCode
}

/** Maps anything a command can throw to the error it reports and the exit code it ends with. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof KithError) {
    return { code: error.code, message: error.message, exitCode: ExitCode.kithError }
  }
  if (error instanceof UsageError) {
    return { code: ErrorCode.BadRequest, message: error.message, exitCode: ExitCode.usage }
  }
  if (error instanceof CommanderError) {
    // Commander's message for a command group called without its command is "(outputHelp)".
    const message = error.code === "commander.help" ? "which command? (see --help)" : error.message
    return { code: ErrorCode.BadRequest, message: message.replace(/^error: /, ""), exitCode: ExitCode.usage }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: ErrorCode.Internal, message, exitCode: ExitCode.kithError }
}
