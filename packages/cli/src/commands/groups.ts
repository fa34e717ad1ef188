import type { Command } from "commander"
import { ErrorCode } from "@kith/protocol"
import type { KithClient } from "@kith/core"
import type { CliContext } from "../context"
import { findConversation, findFriends, memberCandidates, withMemberNames } from "../directory"
import { resolveOne } from "../resolve"
import { withDevice } from "../runner"

/** Members named for removal or roles: anyone in the group, known by their name there or as a friend. */
async function findMembers(client: KithClient, conversationQuery: string, queries: readonly string[]) {
  const conversation = await withMemberNames(client, await findConversation(client, conversationQuery))
  const friends = await client.friends()
  const candidates = memberCandidates(conversation, friends)
  const accountIds = queries.map((q) => resolveOne(q, candidates, "member", ErrorCode.NotFound))
  return { conversation, accountIds }
}

/** group create|add|remove|rename|admin|leave. */
export function addGroupCommands(program: Command, ctx: CliContext): void {
  const group = program.command("group").description("group conversations")

  group
    .command("create")
    .description("create a group with some of your friends")
    .argument("<name>", "the group's name (end-to-end encrypted)")
    .argument("<member...>", "friends to add: username, name or account id")
    .action(async (name: string, members: string[], _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const accountIds = await findFriends(client, members)
        const created = await client.createGroup(name, accountIds)
        return {
          json: { conversationId: created.id, conversation: created },
          text: [`Created group ${name} [${created.id}].`],
        }
      })
    })

  group
    .command("add")
    .description("add friends to a group")
    .argument("<conversation>", "group id or name")
    .argument("<member...>", "friends to add: username, name or account id")
    .action(async (query: string, members: string[], _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        const accountIds = await findFriends(client, members)
        await client.addMembers(conversation.id, accountIds)
        return {
          json: { conversationId: conversation.id, added: accountIds },
          text: [`Added ${accountIds.length} member(s).`],
        }
      })
    })

  group
    .command("remove")
    .description("remove members from a group")
    .argument("<conversation>", "group id or name")
    .argument("<member...>", "members to remove: name or account id")
    .action(async (query: string, members: string[], _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const { conversation, accountIds } = await findMembers(client, query, members)
        await client.removeMembers(conversation.id, accountIds)
        return {
          json: { conversationId: conversation.id, removed: accountIds },
          text: [`Removed ${accountIds.length} member(s).`],
        }
      })
    })

  group
    .command("rename")
    .description("rename a group (admins only)")
    .argument("<conversation>", "group id or name")
    .argument("<name>", "the new name")
    .action(async (query: string, name: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        await client.renameGroup(conversation.id, name)
        return {
          json: { conversationId: conversation.id, name },
          text: [`Renamed the group to ${name}.`],
        }
      })
    })

  group
    .command("admin")
    .description("make a member an admin, or with --revoke take it back")
    .argument("<conversation>", "group id or name")
    .argument("<member>", "name or account id")
    .option("--revoke", "take admin rights away")
    .action(async (query: string, member: string, options: { revoke?: boolean }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const { conversation, accountIds } = await findMembers(client, query, [member])
        const accountId = accountIds[0]!
        const admin = !options.revoke
        await client.setAdmin(conversation.id, accountId, admin)
        return {
          json: { conversationId: conversation.id, accountId, admin },
          text: [admin ? `${member} is now an admin.` : `${member} is no longer an admin.`],
        }
      })
    })

  group
    .command("leave")
    .description("leave a group")
    .argument("<conversation>", "group id or name")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        await client.leaveGroup(conversation.id)
        return { json: { conversationId: conversation.id, left: true }, text: ["You left the group."] }
      })
    })
}
