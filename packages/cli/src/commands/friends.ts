import type { Command } from "commander"
import { ErrorCode } from "@kith/protocol"
import type { FriendRequestView, KithClient } from "@kith/core"
import type { CliContext } from "../context"
import { findFriend, namedFriends } from "../directory"
import { formatTime, friendLine, groupDigits } from "../format"
import { resolveOne } from "../resolve"
import { withDevice } from "../runner"

interface NamedRequest extends FriendRequestView {
  displayName?: string
}

/** Pending requests with the sender's display name, when their profile can be read. */
async function namedRequests(client: KithClient): Promise<NamedRequest[]> {
  const requests = await client.friendRequests()
  return Promise.all(
    requests.map(async (request) => {
      const profile = await client.profileOf(request.accountId).catch(() => undefined)
      return { ...request, displayName: profile?.displayName }
    }),
  )
}

/** A request named by its id, or by the sender's account id or display name. */
async function findRequest(client: KithClient, query: string): Promise<NamedRequest> {
  const candidates = (await namedRequests(client)).map((r) => ({
    id: r.id,
    labels: [r.accountId, r.displayName],
    value: r,
  }))
  return resolveOne(query, candidates, "friend request", ErrorCode.NotFound)
}

function requestLine(request: NamedRequest): string {
  const greeting = request.greeting === "" ? "" : `: "${request.greeting}"`
  const who = request.displayName ?? request.accountId
  return `${request.id}  ${formatTime(request.receivedAtMs)}  ${who}${greeting}`
}

/** friend add|requests|accept|decline, friends, safety-number, verify. */
export function addFriendCommands(program: Command, ctx: CliContext): void {
  const friend = program.command("friend").description("friend requests")

  friend
    .command("add")
    .description("send a friend request to a username")
    .argument("<username>", "their username")
    .option("--greeting <text>", "a short note they see with the request")
    .action(async (username: string, options: { greeting?: string }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const sent = await client.sendFriendRequest(username.replace(/^@/, ""), options.greeting)
        return {
          json: { username, ...sent },
          text: [`Friend request sent to ${username}.`],
        }
      })
    })

  friend
    .command("requests")
    .description("list friend requests waiting for an answer")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const requests = await namedRequests(client)
        return {
          json: requests,
          text: requests.length === 0 ? ["No friend requests."] : requests.map(requestLine),
        }
      })
    })

  friend
    .command("accept")
    .description("accept a friend request")
    .argument("<request>", "the request id (or the sender's name)")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const request = await findRequest(client, query)
        await client.acceptFriendRequest(request.id)
        return {
          json: { accepted: request.id, accountId: request.accountId },
          text: [`You and ${request.displayName ?? request.accountId} are now friends.`],
        }
      })
    })

  friend
    .command("decline")
    .description("decline a friend request")
    .argument("<request>", "the request id (or the sender's name)")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const request = await findRequest(client, query)
        await client.declineFriendRequest(request.id)
        return {
          json: { declined: request.id, accountId: request.accountId },
          text: [`Declined the request from ${request.displayName ?? request.accountId}.`],
        }
      })
    })

  program
    .command("friends")
    .description("list your friends")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const friends = await namedFriends(client, true)
        return { json: friends, text: friends.length === 0 ? ["No friends yet."] : friends.map(friendLine) }
      })
    })

  program
    .command("safety-number")
    .description("show the safety number to compare with a friend in person")
    .argument("<friend>", "username, name or account id")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const friend = await findFriend(client, query)
        const safetyNumber = await client.safetyNumber(friend.accountId)
        return {
          json: { accountId: friend.accountId, safetyNumber, verified: friend.verified },
          text: [
            `Safety number with ${friend.displayName ?? friend.username ?? friend.accountId}:`,
            ...groupDigits(safetyNumber),
            friend.verified ? "Verified." : `If it matches theirs, run: kith verify ${query}`,
          ],
        }
      })
    })

  program
    .command("verify")
    .description("mark a friend as verified after comparing safety numbers")
    .argument("<friend>", "username, name or account id")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const friend = await findFriend(client, query)
        await client.markVerified(friend.accountId)
        return {
          json: { accountId: friend.accountId, verified: true },
          text: [`Marked ${friend.displayName ?? friend.username ?? friend.accountId} as verified.`],
        }
      })
    })
}
