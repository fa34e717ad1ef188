import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf, navigate } from "../app/route"
import { Avatar } from "../components/Avatar"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** One friend: message them, verify their safety number, block or unblock. */
export function Contact({ accountId }: { accountId: string }) {
  const { t } = useTranslation()
  const state = useAppState()
  const model = useModel()
  const person = state.friends.find((f) => f.accountId === accountId)
  const chat = state.chats.find((c) => c.kind === "direct" && c.peerId === accountId)
  const block = useAsyncAction((on: boolean) => model.setBlocked(accountId, on))
  if (!person) {
    return (
      <section className="screen">
        <TopBar title={t("contacts.friends")} back={hrefOf({ tab: "contacts" })} />
        <p className="placeholder">{t("contacts.unknown")}</p>
      </section>
    )
  }
  return (
    <section className="screen">
      <TopBar title={person.name} back={hrefOf({ tab: "contacts" })} />
      <div className="screen-body">
        <div className="profile-head">
          <Avatar id={person.accountId} name={person.name} size="large" />
          <div>
            <div className="name">{person.name}</div>
            {person.username && <div className="hint">@{person.username}</div>}
            <div className="hint">{person.verified ? t("safety.verified") : t("safety.notVerified")}</div>
          </div>
        </div>
        <div className="form">
          {chat && !person.blocked && (
            <button
              type="button"
              className="button"
              onClick={() => navigate({ tab: "chats", detail: { screen: "chat", conversationId: chat.id } })}
            >
              {t("contacts.message")}
            </button>
          )}
          <a
            className="button secondary"
            href={hrefOf({ tab: "contacts", detail: { screen: "safety", accountId } })}
          >
            {t("safety.title")}
          </a>
          <button
            type="button"
            className={person.blocked ? "button secondary" : "button danger"}
            disabled={block.busy}
            onClick={() => void block.run(!person.blocked)}
          >
            {person.blocked ? t("contacts.unblock") : t("contacts.block")}
          </button>
          <p className="hint">{t("contacts.blockHint")}</p>
          {block.error && (
            <p className="error" role="alert">
              {block.error}
            </p>
          )}
        </div>
      </div>
    </section>
  )
}
