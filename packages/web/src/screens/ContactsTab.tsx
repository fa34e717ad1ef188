import { useTranslation } from "react-i18next"
import { useAppState } from "../app/context"
import { hrefOf } from "../app/route"
import { Avatar } from "../components/Avatar"
import { formatBadge } from "../i18n/format"

/** Friends, the way in to friend requests, and adding someone by username or QR code. */
export function ContactsTab({ currentAccountId }: { currentAccountId?: string }) {
  const { t, i18n } = useTranslation()
  const state = useAppState()
  const incoming = state.requests.filter((r) => r.direction === "incoming").length
  const friends = [...state.friends]
    .filter((f) => !f.blocked)
    .sort((a, b) => a.name.localeCompare(b.name, i18n.language))
  const blocked = state.friends.filter((f) => f.blocked)
  return (
    <section className="screen" aria-labelledby="contacts-title">
      <header className="topbar">
        <span className="spacer" />
        <h1 id="contacts-title">{t("tabs.contacts")}</h1>
        <a
          className="icon-button"
          href={hrefOf({ tab: "contacts", detail: { screen: "add-friend" } })}
          aria-label={t("contacts.add")}
        >
          <span aria-hidden="true">＋</span>
        </a>
      </header>
      <div className="screen-body">
        <ul className="list">
          <li>
            <a className="row" href={hrefOf({ tab: "contacts", detail: { screen: "requests" } })}>
              <span className="row-main">{t("contacts.requests")}</span>
              {incoming > 0 && (
                <span className="badge" data-testid="requests-badge">
                  {formatBadge(incoming, i18n.language)}
                </span>
              )}
              <span className="chevron flip-rtl" aria-hidden="true">
                ›
              </span>
            </a>
          </li>
          <li>
            <a className="row" href={hrefOf({ tab: "contacts", detail: { screen: "add-friend" } })}>
              <span className="row-main">{t("contacts.add")}</span>
              <span className="chevron flip-rtl" aria-hidden="true">
                ›
              </span>
            </a>
          </li>
        </ul>
        <h2 className="list-section-title">{t("contacts.friends")}</h2>
        {friends.length === 0 ? (
          <p className="placeholder">{t("contacts.none")}</p>
        ) : (
          <ul className="list" data-testid="friend-list">
            {friends.map((f) => (
              <li key={f.accountId}>
                <a
                  className="row"
                  href={hrefOf({ tab: "contacts", detail: { screen: "contact", accountId: f.accountId } })}
                  aria-current={f.accountId === currentAccountId ? "page" : undefined}
                >
                  <Avatar id={f.accountId} name={f.name} />
                  <span className="row-main">
                    <span className="row-title">
                      <span className="name">{f.name}</span>
                    </span>
                    {f.verified && <span className="row-sub">{t("safety.verified")}</span>}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
        {blocked.length > 0 && (
          <>
            <h2 className="list-section-title">{t("contacts.blocked")}</h2>
            <ul className="list">
              {blocked.map((f) => (
                <li key={f.accountId}>
                  <a
                    className="row"
                    href={hrefOf({ tab: "contacts", detail: { screen: "contact", accountId: f.accountId } })}
                  >
                    <Avatar id={f.accountId} name={f.name} />
                    <span className="row-main">{f.name}</span>
                  </a>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  )
}
