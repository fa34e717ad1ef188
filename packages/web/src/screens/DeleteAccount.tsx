import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** Deletes the account on the server at once and wipes this browser's copy. */
export function DeleteAccount() {
  const { t } = useTranslation()
  const model = useModel()
  const word = t("deleteAccount.word")
  const [typed, setTyped] = useState("")
  const del = useAsyncAction(() => model.deleteAccount())
  return (
    <section className="screen">
      <TopBar title={t("me.deleteAccount")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void del.run()
          }}
        >
          <p>{t("deleteAccount.explain")}</p>
          <div className="field">
            <label htmlFor="delete-confirm">{t("deleteAccount.typeToConfirm", { word })}</label>
            <input
              id="delete-confirm"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
            />
          </div>
          {del.error && (
            <p className="error" role="alert">
              {del.error}
            </p>
          )}
          <button type="submit" className="button danger" disabled={del.busy || typed.trim() !== word}>
            {t("me.deleteAccount")}
          </button>
        </form>
      </div>
    </section>
  )
}
