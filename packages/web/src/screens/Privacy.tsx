import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"

/** Privacy settings. Read receipts are end-to-end messages; turning them off sends none and shows none. */
export function Privacy() {
  const { t } = useTranslation()
  const { settings } = useAppState()
  const model = useModel()
  return (
    <section className="screen">
      <TopBar title={t("me.privacy")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <label className="toggle">
          <span>
            {t("privacy.readReceipts")}
            <span className="hint" style={{ display: "block" }}>
              {t("privacy.readReceiptsHint")}
            </span>
          </span>
          <input
            type="checkbox"
            checked={settings.readReceipts}
            onChange={(e) => void model.setReadReceipts(e.target.checked)}
            data-testid="read-receipts-toggle"
          />
        </label>
        <div className="card">
          <h2>{t("privacy.serverTitle")}</h2>
          <p className="hint">{t("privacy.serverKnows")}</p>
        </div>
      </div>
    </section>
  )
}
