import { useTranslation } from "react-i18next"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { LanguagePicker } from "./LanguagePicker"

export function Language() {
  const { t } = useTranslation()
  return (
    <section className="screen">
      <TopBar title={t("me.language")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <LanguagePicker />
      </div>
    </section>
  )
}
