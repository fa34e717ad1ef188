import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf, navigate } from "../app/route"
import { Avatar } from "../components/Avatar"
import { TopBar } from "../components/TopBar"
import { disappearingTimers } from "../model/disappearingTimers"
import { useAsyncAction } from "./useAsyncAction"

/**
 * A chat's details: the disappearing-messages timer (any member sets it for
 * everyone); for groups: rename, add and remove members, make admins, leave. Only admins may change the group; every member's app checks that
 * against the group's end-to-end admin list, the server knows nothing of it.
 */
export function ChatInfo({ chatId }: { chatId: string }) {
  const { t } = useTranslation()
  const state = useAppState()
  const model = useModel()
  const chat = state.chats.find((c) => c.id === chatId)
  const [name, setName] = useState(chat?.title ?? "")
  const [adding, setAdding] = useState<string[]>([])
  const act = useAsyncAction((f: () => Promise<unknown>) => f())
  if (!chat) return <p className="placeholder">{t("chat.notFound")}</p>
  const me = state.me?.accountId
  const iAmAdmin = me !== undefined && chat.adminIds.includes(me)
  const isGroup = chat.kind === "group"
  const canAdd = state.friends.filter((f) => !f.blocked && !chat.memberIds.includes(f.accountId))
  return (
    <section className="screen">
      <TopBar
        title={isGroup ? t("groups.info") : chat.title}
        back={hrefOf({ tab: "chats", detail: { screen: "chat", conversationId: chatId } })}
      />
      <div className="screen-body">
        {act.error && (
          <p className="error card" role="alert">
            {act.error}
          </p>
        )}
        {isGroup && iAmAdmin && !chat.left && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              void act.run(() => model.renameGroup(chatId, name.trim()))
            }}
          >
            <div className="field">
              <label htmlFor="group-name">{t("groups.name")}</label>
              <input id="group-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
            </div>
            <button
              type="submit"
              className="button"
              disabled={act.busy || name.trim() === "" || name.trim() === chat.title}
            >
              {t("groups.rename")}
            </button>
          </form>
        )}
        {!chat.left && !chat.pending && (
          <div className="form">
            <div className="field">
              <label htmlFor="disappearing">{t("disappearing.title")}</label>
              <select
                id="disappearing"
                data-testid="disappearing-timer"
                value={chat.timerMs}
                disabled={act.busy}
                onChange={(e) => {
                  const timerMs = Number(e.target.value)
                  void act.run(() => model.setDisappearingTimer(chatId, timerMs))
                }}
              >
                {disappearingTimers.map((option) => (
                  <option key={option.ms} value={option.ms}>
                    {t(option.label)}
                  </option>
                ))}
              </select>
            </div>
            <p className="hint">{t("disappearing.hint")}</p>
          </div>
        )}
        <h2 className="list-section-title">{t("groups.members", { count: chat.memberIds.length })}</h2>
        <ul className="list" data-testid="member-list">
          {chat.memberIds.map((id) => {
            const admin = chat.adminIds.includes(id)
            const memberName = id === me ? t("chat.you") : model.nameOf(id)
            return (
              <li key={id} className="row" data-testid="member">
                <Avatar id={id} name={memberName} />
                <span className="row-main">
                  <span className="row-title">
                    <span className="name">{memberName}</span>
                  </span>
                  {admin && <span className="row-sub">{t("groups.admin")}</span>}
                </span>
                {id !== me && (
                  <a
                    className="button small secondary"
                    href={hrefOf({ tab: "contacts", detail: { screen: "safety", accountId: id } })}
                  >
                    {t("safety.verify")}
                  </a>
                )}
                {isGroup && iAmAdmin && id !== me && !chat.left && (
                  <>
                    <button
                      type="button"
                      className="button small secondary"
                      disabled={act.busy}
                      onClick={() => void act.run(() => model.setAdmin(chatId, id, !admin))}
                    >
                      {admin ? t("groups.removeAdmin") : t("groups.makeAdmin")}
                    </button>
                    <button
                      type="button"
                      className="button small danger"
                      disabled={act.busy}
                      onClick={() => void act.run(() => model.removeMembers(chatId, [id]))}
                      aria-label={t("groups.removeMember", { name: memberName })}
                    >
                      {t("groups.remove")}
                    </button>
                  </>
                )}
              </li>
            )
          })}
        </ul>
        {isGroup && iAmAdmin && !chat.left && canAdd.length > 0 && (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault()
              void act.run(async () => {
                await model.addMembers(chatId, adding)
                setAdding([])
              })
            }}
          >
            <fieldset className="field" style={{ border: "none", padding: 0 }}>
              <legend className="label">{t("groups.addMembers")}</legend>
              {canAdd.map((f) => (
                <label key={f.accountId} className="toggle">
                  <span>{f.name}</span>
                  <input
                    type="checkbox"
                    checked={adding.includes(f.accountId)}
                    onChange={(e) =>
                      setAdding((a) =>
                        e.target.checked ? [...a, f.accountId] : a.filter((x) => x !== f.accountId),
                      )
                    }
                  />
                </label>
              ))}
            </fieldset>
            <button type="submit" className="button" disabled={act.busy || adding.length === 0}>
              {t("groups.add")}
            </button>
          </form>
        )}
        {isGroup && !chat.left && (
          <div className="form">
            <button
              type="button"
              className="button danger"
              disabled={act.busy}
              onClick={() =>
                void act.run(async () => {
                  await model.leaveGroup(chatId)
                  navigate({ tab: "chats" })
                })
              }
            >
              {t("groups.leave")}
            </button>
          </div>
        )}
      </div>
    </section>
  )
}
