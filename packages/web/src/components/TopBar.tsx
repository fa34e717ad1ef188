import type { ReactNode } from "react"
import { useTranslation } from "react-i18next"

/** A screen's title bar, with a back link on detail screens (mirrored in right-to-left). */
export function TopBar({ title, back, actions }: { title: ReactNode; back?: string; actions?: ReactNode }) {
  const { t } = useTranslation()
  return (
    <header className="topbar">
      {back ? (
        <a className="icon-button back-link" href={back} aria-label={t("common.back")}>
          <span className="flip-rtl" aria-hidden="true">
            ‹
          </span>
        </a>
      ) : (
        <span className="spacer" />
      )}
      <h1>{title}</h1>
      {actions ?? <span className="spacer" />}
    </header>
  )
}
