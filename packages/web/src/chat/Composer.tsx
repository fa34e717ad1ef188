import { useEffect, useRef, useState } from "react"
import { useTranslation } from "react-i18next"
import { EmojiPicker } from "../components/EmojiPicker"
import type { ChatMessage } from "../model/viewTypes"
import type { VoiceNote } from "../media/voiceRecorder"
import { VoiceButton } from "./VoiceButton"

/**
 * Where a message is written: Enter sends, Shift+Enter breaks the line. The
 * draft is handed back on every change so it survives switching chats and reloads.
 */
export function Composer({
  initialDraft,
  replyTo,
  disabled,
  onCancelReply,
  onDraft,
  onSend,
  onAttach,
  onVoice,
  onVoiceError,
}: {
  initialDraft: string
  replyTo?: ChatMessage
  disabled?: boolean
  onCancelReply(): void
  onDraft(text: string): void
  onSend(text: string): void
  /** A file or photo picked to send. */
  onAttach?(file: File): void
  /** A voice message recorded to send. */
  onVoice?(note: VoiceNote): void
  onVoiceError?(error: unknown): void
}) {
  const { t } = useTranslation()
  const [text, setText] = useState(initialDraft)
  const [emoji, setEmoji] = useState(false)
  const input = useRef<HTMLTextAreaElement>(null)
  useEffect(() => setText(initialDraft), [initialDraft])
  useEffect(() => {
    if (replyTo) input.current?.focus()
  }, [replyTo])

  function update(next: string) {
    setText(next)
    onDraft(next)
  }
  function send() {
    const body = text.trim()
    if (body === "" || disabled) return
    onSend(body)
    update("")
    setEmoji(false)
  }
  return (
    <div className="composer">
      {replyTo && replyTo.body.kind === "text" && (
        <div className="replying" data-testid="replying">
          <span>
            {t("chat.replyingTo", { name: replyTo.mine ? t("chat.you") : (replyTo.senderName ?? "") })}:{" "}
            {replyTo.body.text}
          </span>
          <button
            type="button"
            className="icon-button"
            onClick={onCancelReply}
            aria-label={t("chat.cancelReply")}
          >
            ×
          </button>
        </div>
      )}
      {emoji && (
        <EmojiPicker
          onPick={(e) => {
            update(text + e)
            input.current?.focus()
          }}
        />
      )}
      <div className="composer-row">
        <button
          type="button"
          className="icon-button"
          aria-label={t("chat.emoji")}
          aria-expanded={emoji}
          onClick={() => setEmoji((v) => !v)}
        >
          <span aria-hidden="true">☺</span>
        </button>
        {onAttach && (
          <label className="icon-button" title={t("chat.attach")}>
            <span aria-hidden="true">📎</span>
            <span className="visually-hidden">{t("chat.attach")}</span>
            <input
              type="file"
              className="visually-hidden"
              disabled={disabled}
              data-testid="attach-input"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ""
                if (file) onAttach(file)
              }}
            />
          </label>
        )}
        <label htmlFor="composer-input" className="visually-hidden">
          {t("chat.message")}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={1}
          value={text}
          placeholder={disabled ? t("chat.cannotSend") : t("chat.message")}
          disabled={disabled}
          onChange={(e) => update(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault()
              send()
            }
          }}
          data-testid="composer"
        />
        {onVoice && <VoiceButton disabled={disabled} onVoice={onVoice} onVoiceError={onVoiceError} />}
        <button
          type="button"
          className="button"
          onClick={send}
          disabled={disabled || text.trim() === ""}
          data-testid="send"
        >
          {t("chat.send")}
        </button>
      </div>
    </div>
  )
}
