import type { Command } from "commander"
import type { CliContext } from "../context"
import { findConversation, namedFriends, withMemberNames } from "../directory"
import { conversationLine, messageLine } from "../format"
import { joinWords, positiveInteger } from "../parse"
import { withDevice } from "../runner"

/** chats, send, history, recall, read: reading and writing in conversations. */
export function addChatCommands(program: Command, ctx: CliContext): void {
  program
    .command("chats")
    .description("list conversations with their unread counts")
    .action(async (_options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const friends = await namedFriends(client)
        const conversations = await client.conversations()
        const visible = conversations.filter((c) => c.kind !== "self")
        return {
          json: visible,
          text:
            visible.length === 0
              ? ["No conversations yet."]
              : visible.map((c) => conversationLine(c, friends)),
        }
      })
    })

  program
    .command("send")
    .description("send a text message")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<text...>", "the message")
    .option("--reply-to <messageId>", "the message this answers")
    .action(async (query: string, words: string[], options: { replyTo?: string }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        const body = joinWords(words)
        const sent = await client.sendText(conversation.id, body, { replyTo: options.replyTo })
        return {
          json: { conversationId: conversation.id, message: sent },
          text: [`Sent [${sent.id}].`],
        }
      })
    })

  program
    .command("history")
    .description("show a conversation's messages, oldest first")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .option("--limit <n>", "only the last n messages", positiveInteger)
    .action(async (query: string, options: { limit?: number }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await withMemberNames(client, await findConversation(client, query))
        const [all, friends] = await Promise.all([client.messages(conversation.id), client.friends()])
        const messages = options.limit === undefined ? all : all.slice(-options.limit)
        return {
          json: { conversation, messages },
          text:
            messages.length === 0
              ? ["No messages."]
              : messages.map((m) => messageLine(m, conversation, friends)),
        }
      })
    })

  program
    .command("recall")
    .description("withdraw one of your messages (within 2 minutes of sending it)")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<messageId>", "the message to recall")
    .action(async (query: string, messageId: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        await client.recall(conversation.id, messageId)
        return {
          json: { conversationId: conversation.id, recalled: messageId },
          text: [`Recalled [${messageId}].`],
        }
      })
    })

  program
    .command("read")
    .description("mark every message of a conversation as read (the sender sees a read receipt)")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .action(async (query: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        const unread = (await client.messages(conversation.id))
          .filter(
            (m) => (m.kind === "text" || m.kind === "attachment") && !m.outgoing && !m.read && !m.recalled,
          )
          .map((m) => m.id)
        if (unread.length > 0) await client.markRead(conversation.id, unread)
        return {
          json: { conversationId: conversation.id, read: unread },
          text: [unread.length === 0 ? "Nothing unread." : `Marked ${unread.length} message(s) read.`],
        }
      })
    })
}
