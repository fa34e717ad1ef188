import { once } from "node:events"
import { createWriteStream } from "node:fs"
import { rename, rm, stat } from "node:fs/promises"
import { basename, extname, join } from "node:path"
import type { Command } from "commander"
import { ErrorCode, KithError } from "@kith/protocol"
import type { AttachmentView, KithClient, MessageView } from "@kith/core"
import { fileSource } from "@kith/core/node"
import type { CliContext } from "../context"
import { findConversation } from "../directory"
import { attachmentLabel } from "../format"
import { withDevice } from "../runner"

const contentTypes: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".ogg": "audio/ogg",
  ".opus": "audio/ogg",
  ".webm": "audio/webm",
  ".m4a": "audio/mp4",
  ".pdf": "application/pdf",
  ".txt": "text/plain",
}

/** send-file, save, forward: attachments from and to the terminal. */
export function addMediaCommands(program: Command, ctx: CliContext): void {
  program
    .command("send-file")
    .description("encrypt and send a file (up to 100 MB); --voice sends it as a voice message")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<path>", "the file to send")
    .option("--voice", "send as a voice message (an audio file)")
    .option("--caption <text>", "a caption shown with the file")
    .action(
      async (
        query: string,
        path: string,
        options: { voice?: boolean; caption?: string },
        command: Command,
      ) => {
        await withDevice(ctx, command, async ({ client }) => {
          const conversation = await findConversation(client, query)
          const source = await fileSource(path).catch((e: unknown) => {
            throw new KithError(ErrorCode.BadRequest, `cannot read ${path}: ${(e as Error).message}`)
          })
          try {
            const contentType = contentTypes[extname(path).toLowerCase()] ?? "application/octet-stream"
            const sent = await client.sendAttachment(conversation.id, {
              kind: options.voice ? "voice" : "file",
              source,
              fileName: basename(path),
              contentType,
              caption: options.caption,
            })
            return {
              json: { conversationId: conversation.id, message: sent },
              text: [`Sent ${attachmentLabel(sent.attachment!)} [${sent.id}].`],
            }
          } finally {
            await source.close()
          }
        })
      },
    )

  program
    .command("save")
    .description("download and decrypt an attachment into a folder (default: the current one)")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<messageId>", "the attachment message")
    .option("--out <dir>", "the folder to save into", ".")
    .action(async (query: string, messageId: string, options: { out: string }, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const conversation = await findConversation(client, query)
        const message = await attachmentMessage(client, conversation.id, messageId)
        const path = await saveAttachment(client, message.attachment!, options.out)
        if (message.attachment!.kind === "voice") await client.markPlayed(conversation.id, message.id)
        return { json: { conversationId: conversation.id, messageId, path }, text: [`Saved ${path}`] }
      })
    })

  program
    .command("forward")
    .description("send an attachment to another conversation (no new upload)")
    .argument("<from>", "the conversation the attachment is in")
    .argument("<messageId>", "the attachment message")
    .argument("<to>", "the conversation to send it to")
    .action(async (from: string, messageId: string, to: string, _options: unknown, command: Command) => {
      await withDevice(ctx, command, async ({ client }) => {
        const source = await findConversation(client, from)
        const target = await findConversation(client, to)
        const sent = await client.forwardAttachment(source.id, messageId, target.id)
        return { json: { conversationId: target.id, message: sent }, text: [`Forwarded [${sent.id}].`] }
      })
    })
}

async function attachmentMessage(
  client: KithClient,
  conversationId: string,
  messageId: string,
): Promise<MessageView> {
  const message = (await client.messages(conversationId)).find((m) => m.id === messageId)
  if (!message?.attachment) throw new KithError(ErrorCode.NotFound, "no attachment message with that id")
  return message
}

/**
 * Writes into a hidden part file and renames it only once the whole file
 * decrypted and matched its digest: a tampered download leaves nothing behind.
 * Never overwrites: "photo.jpg" becomes "photo (1).jpg".
 */
async function saveAttachment(client: KithClient, attachment: AttachmentView, dir: string): Promise<string> {
  const fallback = attachment.kind === "voice" ? "voice-message" : "attachment"
  const name = safeFileName(attachment.fileName) || fallback
  const part = join(dir, `.${name}.${process.pid}.part`)
  const out = createWriteStream(part, { flags: "wx" })
  try {
    for await (const chunk of client.downloadAttachment(attachment)) {
      if (!out.write(chunk)) await once(out, "drain")
    }
    out.end()
    await once(out, "finish")
  } catch (e) {
    out.destroy()
    await rm(part, { force: true })
    throw e
  }
  const target = await freePath(dir, name)
  await rename(part, target)
  return target
}

/** A sender chooses the name: no directories, no hidden or control characters. */
function safeFileName(name: string): string {
  return name
    .replace(/[/\\\0-\u001f\u007f-\u009f]/g, "_")
    .replace(/^\.+/, "")
    .slice(0, 200)
}

async function freePath(dir: string, name: string): Promise<string> {
  const ext = extname(name)
  const stem = name.slice(0, name.length - ext.length)
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${stem} (${n})${ext}`)
    const exists = await stat(candidate).then(
      () => true,
      () => false,
    )
    if (!exists) return candidate
  }
}
