import { CommanderError } from "commander"
import { CliContext, type CliIo } from "./context"
import { describeFailure, ExitCode } from "./failure"
import { shieldIds, unshield } from "./idArguments"
import { Output } from "./output"
import { buildProgram } from "./program"

/** Commander's ways of saying "I printed what was asked and nothing went wrong". */
const successfulExits = new Set(["commander.helpDisplayed", "commander.version"])

/**
 * Runs one kith command line and returns the exit code: 0 ok, 1 a KithError,
 * 2 a usage mistake. Every failure is reported once, as
 * {"error":{"code","message"}} on stdout with --json, as a line on stderr otherwise.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // Usage errors can happen before commander has read --json, so look for it first.
  const json = wantsJson(argv)
  const output = new Output(json, io.stdout, io.stderr)
  const program = buildProgram(new CliContext(io, output))
  try {
    await program.parseAsync(shieldIds(argv), { from: "user" })
    return ExitCode.ok
  } catch (e) {
    if (e instanceof CommanderError && successfulExits.has(e.code)) return ExitCode.ok
    const failure = describeFailure(e)
    output.error(failure.code, unshield(failure.message))
    return failure.exitCode
  }
}

/** --json anywhere before a "--" that ends the options. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--")
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json")
}
