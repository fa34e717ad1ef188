import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"

/** App lock: nothing is decrypted until the passcode unwraps the data key. */
export function LockScreen({ wrong }: { wrong: boolean }) {
  const { t } = useTranslation()
  const model = useModel()
  const [passcode, setPasscode] = useState("")
  const [busy, setBusy] = useState(false)
  return (
    <main className="welcome">
      <img className="logo" src="/icon.svg" alt="" width={96} height={96} />
      <h1>{t("lock.title")}</h1>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault()
          setBusy(true)
          await model.unlock(passcode)
          setBusy(false)
          setPasscode("")
        }}
      >
        <div className="field">
          <label htmlFor="passcode">{t("lock.passcode")}</label>
          <input
            id="passcode"
            type="password"
            value={passcode}
            autoComplete="current-password"
            onChange={(e) => setPasscode(e.target.value)}
            autoFocus
          />
        </div>
        {wrong && (
          <p className="error" role="alert">
            {t("lock.wrong")}
          </p>
        )}
        <button type="submit" className="button" disabled={busy || passcode === ""}>
          {busy ? t("lock.unlocking") : t("lock.unlock")}
        </button>
      </form>
    </main>
  )
}
