import type { Command } from "commander"
import { ErrorCode, KithError, Limits } from "@kith/protocol"
import type { CliContext } from "../context"
import { findConversation, findFriend } from "../directory"
import { timerName, timerNames } from "../format"
import { withDevice } from "../runner"

function parseTimer(text: string): number {
  const ms = timerNames[text.toLowerCase()]
  if (ms === undefined || !Limits.disappearingTimersMs.includes(ms)) {
    throw new KithError(ErrorCode.BadRequest, `the timer is one of ${Object.keys(timerNames).join(", ")}`)
  }
  return ms
}

/** timer, delete, block, unblock, blocked: what this device keeps, and from whom it takes anything. */
export function addPrivacyCommands(program: Command, ctx: CliContext): void {
  program
    .command("timer")
    .description(
      "set a conversation's disappearing-messages timer for every member (off, 30s, 5m, 1h, 1d, 1w)",
    )
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<timer>", "off, 30s, 5m, 1h, 1d or 1w")
    .action(async (query: string, timer: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const timerMs = parseTimer(timer)
        const conversation = await findConversation(client, query)
        await client.setDisappearingTimer(conversation.id, timerMs)
        return {
          json: { conversationId: conversation.id, timerMs },
          text: [
            timerMs === 0
              ? "Disappearing messages are off."
              : `New messages disappear ${timerName(timerMs)} after they arrive, on every member's devices.`,
          ],
        }
      })
    })

  program
    .command("delete")
    .description("delete messages from this device only (nobody else is told; their copies stay)")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<messageIds...>", "the messages to delete")
    .action(async (query: string, messageIds: string[], _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        await client.deleteForMe(conversation.id, messageIds)
        return {
          json: { conversationId: conversation.id, deleted: messageIds },
          text: [`Deleted ${messageIds.length} message(s) from this device.`],
        }
      })
    })

  program
    .command("block")
    .description("drop a friend's messages, requests and profile updates on this device (they are not told)")
    .argument("<friend>", "a friend's username, name or account id")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const accountId = await blockTarget(client, query)
        await client.setBlocked(accountId, true)
        return { json: { blocked: accountId }, text: [`Blocked ${query} on this device.`] }
      })
    })

  program
    .command("unblock")
    .description("take a friend's messages again (what arrived while blocked is gone)")
    .argument("<account>", "a friend's username, name or account id")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const accountId = await blockTarget(client, query)
        await client.setBlocked(accountId, false)
        return { json: { unblocked: accountId }, text: [`Unblocked ${query}.`] }
      })
    })

  program
    .command("blocked")
    .description("list the accounts blocked on this device")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(
        ctx,
        command,
        async ({ client }) => {
          const blocked = client.blockedAccounts()
          return {
            json: blocked,
            text:
              blocked.length === 0
                ? ["Nobody is blocked."]
                : blocked.map((a) => `${a}  ${client.nameOf(a) ?? ""}`.trim()),
          }
        },
        { offline: true },
      )
    })
}

/** A friend by name, or any account by its id (a stranger who sent a request is not a friend). */
async function blockTarget(client: Parameters<typeof findFriend>[0], query: string): Promise<string> {
  try {
    return (await findFriend(client, query)).accountId
  } catch (e) {
    if (/^[A-Za-z0-9_-]{22}$/.test(query)) return query
    throw e
  }
}
