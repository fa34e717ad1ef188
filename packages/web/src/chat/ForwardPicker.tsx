import { useTranslation } from "react-i18next"
import { useAppState } from "../app/context"
import { Avatar } from "../components/Avatar"
import { ModalDialog } from "./ModalDialog"

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
  const targets = chats.filter((c) => c.id !== fromChatId && !c.left && !c.pending)
  return (
    <ModalDialog
      title={t("chat.forwardTo")}
      titleId="forward-title"
      className="forward-picker"
      testId="forward-picker"
      onClose={onClose}
    >
      {(close) => (
        <>
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
          <button type="button" className="button secondary" onClick={close}>
            {t("common.cancel")}
          </button>
        </>
      )}
    </ModalDialog>
  )
}
