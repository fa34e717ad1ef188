import type { Command } from "commander"
import type { CliContext } from "../context"
import { withDevice } from "../runner"

/**
 * Prints engine events as JSON lines (one KithEvent per line, `type` first),
 * from the moment the client opens: during the catch-up, and with `follow`
 * until SIGINT.
 */
async function printEvents(ctx: CliContext, command: Command, follow: boolean): Promise<void> {
  await withDevice(
    ctx,
    command,
    async () => {
      if (follow) await ctx.io.waitForInterrupt()
    },
    { beforeConnect: (client) => void client.on((event) => ctx.output.record(event)) },
  )
}

/** sync [--follow], listen. */
export function addEventCommands(program: Command, ctx: CliContext): void {
  program
    .command("sync")
    .description("catch up with the server once and print what arrived, as JSON lines")
    .option("--follow", "keep printing new events until interrupted (same as listen)")
    .action(async (options: { follow?: boolean }, command: Command) => {
      await printEvents(ctx, command, options.follow === true)
    })

  program
    .command("listen")
    .description("print incoming events as JSON lines until interrupted (Ctrl-C)")
    .action(async (_options: unknown, command: Command) => {
      await printEvents(ctx, command, true)
    })
}
