import { useEffect, useRef } from "react"
import { useTranslation } from "react-i18next"
import { useAppState } from "../app/context"
import { Avatar } from "../components/Avatar"

/**
 * Picks the chat to forward an attachment to: every chat this device can
 * send in, except the one it comes from. Escape or Cancel closes it.
 */
export function ForwardPicker({
  fromChatId,
  onPick,
  onClose,
}: {
  fromChatId: string
  onPick(chatId: string): void
  onClose(): void
}) {
  const { t } = useTranslation()
  const { chats } = useAppState()
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    dialog.current?.showModal()
  }, [])
  const targets = chats.filter((c) => c.id !== fromChatId && !c.left && !c.pending)
  return (
    <dialog
      ref={dialog}
      className="forward-picker"
      aria-labelledby="forward-title"
      onClose={onClose}
      data-testid="forward-picker"
    >
      <h2 id="forward-title">{t("chat.forwardTo")}</h2>
      <ul className="list">
        {targets.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="row"
              onClick={() => onPick(c.id)}
              data-testid="forward-target"
              data-chat-id={c.id}
            >
              <Avatar id={c.peerId ?? c.id} name={c.title} />
              <span className="row-main">
                <span className="name">{c.title}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      {targets.length === 0 && <p className="placeholder">{t("chat.noForwardTargets")}</p>}
      <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
        {t("common.cancel")}
      </button>
    </dialog>
  )
}
