import { useTranslation } from "react-i18next"
import { useAppState } from "../app/context"
import { hrefOf, type Detail } from "../app/route"
import { Avatar } from "../components/Avatar"
import { TopBar } from "../components/TopBar"

const entries: {
  screen: Detail["screen"] & ("my-qr" | "devices" | "privacy" | "language" | "app-lock" | "delete-account")
  label: string
}[] = [
  { screen: "my-qr", label: "me.myQr" },
  { screen: "devices", label: "me.devices" },
  { screen: "privacy", label: "me.privacy" },
  { screen: "language", label: "me.language" },
  { screen: "app-lock", label: "me.appLock" },
  { screen: "delete-account", label: "me.deleteAccount" },
]

/** Me: my profile, my QR code, devices, privacy, language, app lock, account deletion. */
export function MeTab({ current }: { current?: Detail["screen"] }) {
  const { t } = useTranslation()
  const { me } = useAppState()
  return (
    <section className="screen">
      <TopBar title={t("tabs.me")} />
      <div className="screen-body">
        {me && (
          <a
            className="profile-head row"
            href={hrefOf({ tab: "me", detail: { screen: "profile" } })}
            aria-current={current === "profile" ? "page" : undefined}
          >
            <Avatar id={me.accountId} name={me.name} size="large" />
            <span className="row-main">
              <span className="name" data-testid="my-name">
                {me.name}
              </span>
              <span className="row-sub">{me.username ? `@${me.username}` : t("profile.noUsername")}</span>
            </span>
            <span className="chevron flip-rtl" aria-hidden="true">
              ›
            </span>
          </a>
        )}
        <ul className="list">
          {entries.map((e) => (
            <li key={e.screen}>
              <a
                className="row"
                href={hrefOf({ tab: "me", detail: { screen: e.screen } })}
                aria-current={current === e.screen ? "page" : undefined}
              >
                <span className="row-main">{t(e.label)}</span>
                <span className="chevron flip-rtl" aria-hidden="true">
                  ›
                </span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  )
}
