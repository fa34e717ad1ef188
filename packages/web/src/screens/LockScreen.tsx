import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import { PasscodeField } from "../components/PasscodeField"

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
        <PasscodeField
          id="passcode"
          label={t("lock.passcode")}
          value={passcode}
          onChange={setPasscode}
          purpose="current"
          autoFocus
        />
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
