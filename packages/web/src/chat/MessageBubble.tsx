import { memo } from "react"
import { useTranslation } from "react-i18next"
import { isolate } from "../i18n/bidi"
import { formatNumber, formatTime } from "../i18n/format"
import type { ChatMessage, DeliveryState } from "../model/viewTypes"
import { SystemLine } from "./SystemLine"
import { VoicePlayer } from "./VoicePlayer"

export interface BubbleActions {
  onReply(message: ChatMessage): void
  onRecall(message: ChatMessage): void
  /** Deletes the message's plaintext from this device only. */
  onDeleteForMe(message: ChatMessage): void
  onRetry(message: ChatMessage): void
  /** Downloads, decrypts and saves an attachment. */
  onSave(message: ChatMessage): void
  /** Sends an attachment to another chat (the same encrypted blob: nothing is uploaded again). */
  onForward(message: ChatMessage): void
  /** Downloads and decrypts an attachment for playing here. */
  loadAttachment(message: ChatMessage): Promise<Blob>
  onPlayed(message: ChatMessage): void
  /** Shows a photo full screen. */
  onOpenPhoto(message: ChatMessage): void
  onSelect(id: string | undefined): void
  /** Opens the report consent dialog with this message chosen. */
  onReport?(message: ChatMessage): void
}

/**
 * One message. Its text is a React text node, never markup: whatever a sender
 * types (`<img onerror=…>` included) is shown as the characters typed.
 */
export const MessageBubble = memo(function MessageBubble({
  message,
  showSender,
  selected,
  recallable,
  actions,
}: {
  message: ChatMessage
  showSender: boolean
  selected: boolean
  /** Still inside the recall window (only ever true for my own recent texts). */
  recallable: boolean
  actions: BubbleActions
}) {
  const { t, i18n } = useTranslation()
  const body = message.body
  if (body.kind === "system") return <SystemLine event={body.event} />
  const canRecall = recallable && message.mine && body.kind === "text"
  return (
    <div
      className={message.mine ? "message-row mine" : "message-row"}
      data-testid="message"
      data-message-id={message.id}
      data-mine={message.mine}
    >
      <div
        className={`bubble${body.kind === "recalled" ? " recalled" : ""}${body.kind === "decrypt-failed" ? " failed-decrypt" : ""}`}
        onClick={() => body.kind === "text" && actions.onSelect(selected ? undefined : message.id)}
      >
        {showSender && message.senderName && <span className="sender">{message.senderName}</span>}
        {body.kind === "text" && (
          <>
            {body.replyTo && (
              <span className="quote" data-testid="quote">
                {body.replyTo.senderName ? `${body.replyTo.senderName}: ` : ""}
                {body.replyTo.text ?? t("chat.originalUnavailable")}
              </span>
            )}
            <span className="text" data-testid="message-text" dir="auto">
              {body.text}
            </span>
          </>
        )}
        {body.kind === "recalled" && (
          <span data-testid="recalled">{message.mine ? t("chat.youRecalled") : t("chat.recalled")}</span>
        )}
        {body.kind === "decrypt-failed" && (
          <span data-testid="decrypt-failed">{t("chat.decryptFailed")}</span>
        )}
        {body.kind === "attachment" && (
          <>
            {body.thumbnail && (
              <button
                type="button"
                className="thumbnail-button"
                aria-label={t("chat.openPhoto")}
                onClick={(e) => {
                  e.stopPropagation()
                  actions.onOpenPhoto(message)
                }}
                data-testid="open-photo"
              >
                <img className="thumbnail" src={body.thumbnail} alt="" data-testid="thumbnail" />
              </button>
            )}
            <AttachmentLabel body={body} />
            {body.media === "voice" && (
              <VoicePlayer
                waveform={body.waveform ?? []}
                played={body.played === true}
                load={() => actions.loadAttachment(message)}
                onPlayed={() => actions.onPlayed(message)}
              />
            )}
            <BubbleAction
              label={t("chat.save")}
              onPress={() => actions.onSave(message)}
              testId="save-attachment"
            />
            <BubbleAction
              label={t("chat.forward")}
              onPress={() => actions.onForward(message)}
              testId="forward-attachment"
            />
            <DeleteForMe message={message} actions={actions} />
          </>
        )}
        <span className="meta">
          <time dateTime={new Date(message.at).toISOString()}>{formatTime(message.at, i18n.language)}</time>
          {message.expiresAt !== undefined && (
            <span data-testid="disappears" title={t("chat.disappears")} aria-label={t("chat.disappears")}>
              ⏱
            </span>
          )}
          {message.mine && message.state && <StateMark state={message.state} />}
          {body.kind === "text" && message.state !== "failed" && (
            // Keyboard and screen-reader way to the actions a tap on the bubble opens.
            <button
              type="button"
              className="more"
              aria-label={t("chat.actions")}
              aria-expanded={selected}
              onClick={(e) => {
                e.stopPropagation()
                actions.onSelect(selected ? undefined : message.id)
              }}
            >
              ⋯
            </button>
          )}
        </span>
        {message.unreachable?.map((u, i) => (
          // The rest of the chat has it; these devices will see a gap when they come back.
          <span key={i} className="unreachable-note" data-testid="unreachable">
            {t(u.several ? "chat.unreachableSome" : "chat.unreachableOne", { name: isolate(u.name) })}
          </span>
        ))}
        {message.state === "failed" && (
          <button type="button" className="button small secondary" onClick={() => actions.onRetry(message)}>
            {t("chat.retry")}
          </button>
        )}
        {selected && body.kind === "text" && (
          <span className="actions">
            <button type="button" className="button small secondary" onClick={() => actions.onReply(message)}>
              {t("chat.reply")}
            </button>
            {canRecall && (
              <button
                type="button"
                className="button small secondary"
                onClick={() => actions.onRecall(message)}
              >
                {t("chat.recall")}
              </button>
            )}
            <DeleteForMe message={message} actions={actions} />
            {!message.mine && actions.onReport && (
              <BubbleAction
                label={t("report.action")}
                onPress={() => actions.onReport?.(message)}
                testId="report"
              />
            )}
          </span>
        )}
      </div>
    </div>
  )
})

function DeleteForMe({ message, actions }: { message: ChatMessage; actions: BubbleActions }) {
  const { t } = useTranslation()
  return (
    <BubbleAction
      label={t("chat.deleteForMe")}
      onPress={() => actions.onDeleteForMe(message)}
      testId="delete-for-me"
    />
  )
}

/** A small button on a bubble whose tap stays its own, never also the bubble's tap (which selects a text message). */
function BubbleAction({ label, onPress, testId }: { label: string; onPress(): void; testId: string }) {
  return (
    <button
      type="button"
      className="button small secondary"
      onClick={(e) => {
        e.stopPropagation()
        onPress()
      }}
      data-testid={testId}
    >
      {label}
    </button>
  )
}

function StateMark({ state }: { state: DeliveryState }) {
  const { t } = useTranslation()
  const icon = { sending: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "!" }[state]
  return (
    <span
      className={state === "failed" ? "status-failed" : undefined}
      data-testid="delivery-state"
      data-state={state}
    >
      <span aria-hidden="true">{icon} </span>
      {t(`delivery.${state}`)}
    </span>
  )
}

type AttachmentBody = Extract<ChatMessage["body"], { kind: "attachment" }>

/** What an attachment is, in words; its bytes open where media can be shown (docs/media.md). */
function AttachmentLabel({ body }: { body: AttachmentBody }) {
  const { t, i18n } = useTranslation()
  const seconds = Math.round((body.durationMs ?? 0) / 1000)
  const duration = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`
  const size = `${formatNumber(Math.max(1, Math.round(body.size / 1024)), i18n.language)} KB`
  const label =
    body.media === "photo"
      ? t("chat.attachmentPhoto")
      : body.media === "voice"
        ? t("chat.attachmentVoice", { duration })
        : t("chat.attachmentFile", { name: body.fileName, size })
  return (
    <span className="text" data-testid="attachment" data-media={body.media} dir="auto">
      📎 {label}
      {body.caption !== "" && (
        <>
          <br />
          {body.caption}
        </>
      )}
    </span>
  )
}
