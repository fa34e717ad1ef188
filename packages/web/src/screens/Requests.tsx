import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { Avatar } from "../components/Avatar"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** Friend requests received (accept or decline) and sent (waiting for the other person). */
export function Requests() {
  const { t } = useTranslation()
  const state = useAppState()
  const model = useModel()
  const act = useAsyncAction((id: string, accept: boolean) =>
    accept ? model.acceptFriendRequest(id) : model.declineFriendRequest(id),
  )
  const incoming = state.requests.filter((r) => r.direction === "incoming")
  const outgoing = state.requests.filter((r) => r.direction === "outgoing")
  return (
    <section className="screen">
      <TopBar title={t("contacts.requests")} back={hrefOf({ tab: "contacts" })} />
      <div className="screen-body">
        {act.error && (
          <p className="error" role="alert">
            {act.error}
          </p>
        )}
        <h2 className="list-section-title">{t("contacts.incoming")}</h2>
        {incoming.length === 0 ? (
          <p className="placeholder">{t("contacts.noRequests")}</p>
        ) : (
          <ul className="list" data-testid="incoming-requests">
            {incoming.map((r) => (
              <li key={r.id} className="row" data-testid="incoming-request">
                <Avatar id={r.accountId} name={r.name} />
                <span className="row-main">
                  <span className="row-title">
                    <span className="name">{r.name}</span>
                  </span>
                  {r.greeting && <span className="row-sub">{r.greeting}</span>}
                </span>
                <span className="button-row">
                  <button
                    type="button"
                    className="button small"
                    disabled={act.busy}
                    onClick={() => void act.run(r.id, true)}
                  >
                    {t("contacts.accept")}
                  </button>
                  <button
                    type="button"
                    className="button small secondary"
                    disabled={act.busy}
                    onClick={() => void act.run(r.id, false)}
                  >
                    {t("contacts.decline")}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {outgoing.length > 0 && (
          <>
            <h2 className="list-section-title">{t("contacts.outgoing")}</h2>
            <ul className="list">
              {outgoing.map((r) => (
                <li key={r.id} className="row">
                  <Avatar id={r.accountId} name={r.name} />
                  <span className="row-main">
                    <span className="row-title">
                      <span className="name">{r.name}</span>
                    </span>
                    <span className="row-sub">{t("chats.pending")}</span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  )
}
