import { Command } from "commander"
import packageJson from "../package.json" with { type: "json" }
import { addAccountCommands } from "./commands/account"
import { addChatCommands } from "./commands/chats"
import { addDeviceCommands } from "./commands/devices"
import { addEventCommands } from "./commands/events"
import { addFriendCommands } from "./commands/friends"
import { addGroupCommands } from "./commands/groups"
import { addProfileCommands } from "./commands/profile"
import { addMediaCommands } from "./commands/media"
import { addReportCommand } from "./commands/report"
import { addPrivacyCommands } from "./commands/privacy"
import type { CliContext } from "./context"
import { unshieldCommand } from "./idArguments"

/**
 * The kith command tree. Commander reports mistakes by throwing (exitOverride),
 * and writes nothing itself except help, so runCli decides how errors look.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("kith")
    .description("Kith's terminal client: end-to-end encrypted chats from the command line.")
    .version(packageJson.version)
    .option("--home <dir>", "where this device's keys and messages live (default: $KITH_HOME or ~/.kith)")
    .option(
      "--server <url>",
      "the Kith server (default: the home's, else $KITH_SERVER, else http://127.0.0.1:8080)",
    )
    .option("--json", "print exactly one JSON value per command (errors as {error:{code,message}})")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
      outputError: () => {},
    })
    .showHelpAfterError(false)
    .hook("preAction", (_program, actionCommand) => unshieldCommand(actionCommand))

  addAccountCommands(program, ctx)
  addProfileCommands(program, ctx)
  addFriendCommands(program, ctx)
  addChatCommands(program, ctx)
  addMediaCommands(program, ctx)
  addGroupCommands(program, ctx)
  addDeviceCommands(program, ctx)
  addEventCommands(program, ctx)
  addReportCommand(program, ctx)
  addPrivacyCommands(program, ctx)
  return program
}
