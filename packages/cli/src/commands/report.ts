import type { Command } from "commander"
import { Option } from "commander"
import type { ReportReason } from "@kith/core"
import type { CliContext } from "../context"
import { findConversation } from "../directory"
import { formatTime } from "../format"
import { UsageError } from "../failure"
import { withDevice } from "../runner"

const reasons: ReportReason[] = ["spam", "harassment", "threat", "impersonation", "other"]

/**
 * report: sends chosen messages to the server's operator. Without --yes it
 * only shows exactly what would be sent — the consent step — and sends
 * nothing; with --yes it sends that, and nothing more.
 */
export function addReportCommand(program: Command, ctx: CliContext): void {
  program
    .command("report")
    .description("report messages to the server's operator (shows what would be sent; --yes sends it)")
    .argument("<conversation>", "conversation id, a friend's username or name, or a group name")
    .argument("<messageIds...>", "the messages to report (see `history --json` for ids)")
    .addOption(new Option("--reason <reason>", "why").choices(reasons).default("spam"))
    .option("--yes", "consent: send these messages' text, senders and times to the operator")
    .action(
      async (
        query: string,
        messageIds: string[],
        options: { reason: ReportReason; yes?: boolean },
        command: Command,
      ) => {
        await withDevice(ctx, command, async ({ client }) => {
          const conversation = await findConversation(client, query)
          const preview = await client.reportPreview(conversation.id, messageIds)
          if (preview.length === 0) throw new UsageError("none of these messages can be reported")
          const shown = preview.map(
            (m) =>
              `  ${formatTime(m.sentAtMs)} ${m.senderAccountId}: ${m.text}` +
              (m.attachment ? ` [${m.attachment.kind}: ${m.attachment.fileName}]` : ""),
          )
          if (!options.yes) {
            return {
              json: { sent: false, reason: options.reason, messages: preview },
              text: [
                "A report would send the server's operator exactly this (their text, sender and time):",
                ...shown,
                "Nothing was sent. Add --yes to send it.",
              ],
            }
          }
          const reportId = await client.report(conversation.id, messageIds, options.reason)
          return {
            json: { sent: true, reportId, reason: options.reason, messages: preview },
            text: [`Reported ${preview.length} message(s) to the operator (report ${reportId}):`, ...shown],
          }
        })
      },
    )
}
