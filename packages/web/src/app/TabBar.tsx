import { useTranslation } from "react-i18next"
import { useAppState } from "./context"
import { hrefOf, type Tab } from "./route"
import { formatBadge } from "../i18n/format"

const tabs: { tab: Tab; icon: string }[] = [
  { tab: "chats", icon: "💬" },
  { tab: "contacts", icon: "👥" },
  { tab: "discover", icon: "🧭" },
  { tab: "me", icon: "👤" },
]

/** The four tabs people know from WeChat, with unread chats and waiting friend requests counted. */
export function TabBar({ current }: { current: Tab }) {
  const { t, i18n } = useTranslation()
  const state = useAppState()
  const unread = state.chats.reduce((n, c) => n + c.unread, 0)
  const requests = state.requests.filter((r) => r.direction === "incoming").length
  const counts: Partial<Record<Tab, number>> = { chats: unread, contacts: requests }
  return (
    <nav className="tabbar" aria-label={t("app.tabs")}>
      {tabs.map(({ tab, icon }) => {
        const count = counts[tab] ?? 0
        return (
          <a
            key={tab}
            href={hrefOf({ tab })}
            aria-current={tab === current ? "page" : undefined}
            data-testid={`tab-${tab}`}
          >
            <span className="tab-icon" aria-hidden="true">
              {icon}
            </span>
            <span>{t(`tabs.${tab}`)}</span>
            {count > 0 && (
              <span className="badge" aria-label={t("tabs.badge", { count })}>
                {formatBadge(count, i18n.language)}
              </span>
            )}
          </a>
        )
      })}
    </nav>
  )
}
