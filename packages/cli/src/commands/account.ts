import type { Command } from "commander"
import type { CliContext } from "../context"
import { UsageError } from "../failure"
import { withDevice, withNewDevice } from "../runner"

/** register, restore, whoami, account delete: the life of an account on this home. */
export function addAccountCommands(program: Command, ctx: CliContext): void {
  program
    .command("register")
    .description("create a new account on this home and print its recovery phrase")
    .option("--name <display name>", "the name friends see")
    .action(async (options: { name?: string }, command: Command) => {
      await withNewDevice(ctx, command, async ({ serverUrl, store, engine }) => {
        const client = await engine.open(serverUrl, store)
        try {
          const { recoveryPhrase, accountId } = await client.register({ displayName: options.name })
          return {
            json: { accountId, recoveryPhrase, serverUrl },
            text: [
              `Registered account ${accountId} on ${serverUrl}.`,
              "Recovery phrase — write it down and keep it secret; it is the only way back into this account:",
              `  ${recoveryPhrase}`,
            ],
          }
        } finally {
          await client.close()
        }
      })
    })

  program
    .command("restore")
    .description("restore an account from its recovery phrase (read from stdin when not given)")
    .argument("[phrase...]", "the recovery phrase words")
    .action(async (words: string[], _options: unknown, command: Command) => {
      const typed = words.length > 0 ? words.join(" ") : await ctx.io.readLine("Recovery phrase: ")
      const phrase = typed.trim().split(/\s+/).join(" ")
      if (phrase === "") throw new UsageError("give the recovery phrase as arguments or on stdin")
      await withNewDevice(ctx, command, async ({ serverUrl, store, engine }) => {
        const client = await engine.open(serverUrl, store)
        try {
          await client.restore(phrase)
          const accountId = client.accountId
          return {
            json: { accountId, serverUrl },
            text: [
              `Restored account ${accountId} on ${serverUrl} as a new device.`,
              "Conversations of earlier devices cannot be recovered from the phrase.",
            ],
          }
        } finally {
          await client.close()
        }
      })
    })

  program
    .command("whoami")
    .description("show this home's account, device and server (works offline)")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(
        ctx,
        command,
        async ({ client, serverUrl, home }) => {
          const me = await client.whoami()
          return {
            json: { ...me, serverUrl, home: home.dir },
            text: [
              `account  ${me.accountId}`,
              `device   ${me.deviceId}`,
              `name     ${me.displayName ?? "(none)"}`,
              `username ${me.username ?? "(none)"}`,
              `server   ${serverUrl}`,
            ],
          }
        },
        { offline: true },
      )
    })

  program
    .command("account")
    .description("manage the account itself")
    .command("delete")
    .description("delete the account on the server and this home's copy of it, at once and for good")
    .option("--yes", "confirm: this cannot be undone")
    .action(async (options: { yes?: boolean }, command: Command) => {
      if (!options.yes)
        throw new UsageError("account delete removes everything for good; add --yes to confirm")
      let accountId = ""
      await withDevice(ctx, command, async ({ client }) => {
        accountId = client.accountId
        await client.deleteAccount()
      })
      // Local deletion really deletes: the keys and messages go with the account.
      ctx.home(command).wipe()
      ctx.output.result({
        json: { deleted: true, accountId },
        text: [`Deleted account ${accountId} and this home's keys and messages.`],
      })
    })
}
