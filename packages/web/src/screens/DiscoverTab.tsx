import { useTranslation } from "react-i18next"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"

const items = ["moments", "nearby", "mini-programs"] as const

/** Entry points for what is coming; each says so plainly, with nothing pretend behind it. */
export function DiscoverTab() {
  const { t } = useTranslation()
  return (
    <section className="screen">
      <TopBar title={t("tabs.discover")} />
      <div className="screen-body">
        <ul className="list">
          {items.map((item) => (
            <li key={item}>
              <a
                className="row"
                href={hrefOf({ tab: "discover", detail: { screen: "discover-item", item } })}
              >
                <span aria-hidden="true">{item === "moments" ? "◎" : item === "nearby" ? "⌖" : "▦"}</span>
                <span className="row-main">
                  <span className="row-title">{t(`discover.${item}`)}</span>
                  <span className="row-sub">{t("discover.comingSoon")}</span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  )
}

export function DiscoverItem({ item }: { item: (typeof items)[number] }) {
  const { t } = useTranslation()
  return (
    <section className="screen">
      <TopBar title={t(`discover.${item}`)} back={hrefOf({ tab: "discover" })} />
      <div className="screen-body">
        <div className="card">
          <p>{t("discover.comingSoonLong")}</p>
          <p className="hint">{t(`discover.${item}Promise`)}</p>
        </div>
      </div>
    </section>
  )
}
