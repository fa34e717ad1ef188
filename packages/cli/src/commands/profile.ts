import type { Command } from "commander"
import type { CliContext } from "../context"
import { withDevice } from "../runner"

/** username, profile set-name: how friends find and see this account. */
export function addProfileCommands(program: Command, ctx: CliContext): void {
  program
    .command("username")
    .description("claim a username friends can add you by (the server keeps only a keyed hash of it)")
    .argument("<name>", "3-32 characters: a-z, 0-9, _ and .")
    .action(async (name: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        await client.claimUsername(name)
        return { json: { username: name }, text: [`Your username is now ${name}.`] }
      })
    })

  program
    .command("profile")
    .description("your profile, encrypted so only friends and group members can read it")
    .command("set-name")
    .description("set the display name friends see")
    .argument("<name>", "your display name")
    .action(async (name: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        await client.setDisplayName(name)
        return { json: { displayName: name }, text: [`Your display name is now ${name}.`] }
      })
    })
}
