import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** App lock: a passcode that must be entered before anything stored here can be decrypted. */
export function AppLock() {
  const { t } = useTranslation()
  const { settings } = useAppState()
  const model = useModel()
  const [current, setCurrent] = useState("")
  const [next, setNext] = useState("")
  const [repeat, setRepeat] = useState("")
  const [done, setDone] = useState(false)
  const save = useAsyncAction(async () => {
    if (next !== repeat) throw new Error("mismatch")
    await model.setPasscode(next, settings.appLock ? current : undefined)
    setDone(true)
    setCurrent("")
    setNext("")
    setRepeat("")
  })
  const remove = useAsyncAction(async () => {
    await model.removePasscode(current)
    setCurrent("")
  })
  const mismatch = repeat !== "" && next !== repeat
  return (
    <section className="screen">
      <TopBar title={t("me.appLock")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <p className="card">{settings.appLock ? t("lock.isOn") : t("lock.isOff")}</p>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void save.run()
          }}
        >
          {settings.appLock && (
            <div className="field">
              <label htmlFor="lock-current">{t("lock.current")}</label>
              <input
                id="lock-current"
                type="password"
                value={current}
                autoComplete="current-password"
                onChange={(e) => setCurrent(e.target.value)}
              />
            </div>
          )}
          <div className="field">
            <label htmlFor="lock-new">{t("lock.new")}</label>
            <input
              id="lock-new"
              type="password"
              value={next}
              autoComplete="new-password"
              minLength={4}
              onChange={(e) => setNext(e.target.value)}
            />
            <p className="hint">{t("lock.hint")}</p>
          </div>
          <div className="field">
            <label htmlFor="lock-repeat">{t("lock.repeat")}</label>
            <input
              id="lock-repeat"
              type="password"
              value={repeat}
              autoComplete="new-password"
              onChange={(e) => setRepeat(e.target.value)}
            />
          </div>
          {mismatch && <p className="error">{t("lock.mismatch")}</p>}
          {save.error && !mismatch && (
            <p className="error" role="alert">
              {save.error}
            </p>
          )}
          {done && <p role="status">{t("common.saved")}</p>}
          <div className="button-row">
            <button
              type="submit"
              className="button"
              disabled={save.busy || next.length < 4 || next !== repeat}
            >
              {settings.appLock ? t("lock.change") : t("lock.turnOn")}
            </button>
            {settings.appLock && (
              <>
                <button
                  type="button"
                  className="button secondary"
                  disabled={remove.busy || current === ""}
                  onClick={() => void remove.run()}
                >
                  {t("lock.turnOff")}
                </button>
                <button type="button" className="button secondary" onClick={() => void model.lockNow()}>
                  {t("lock.lockNow")}
                </button>
              </>
            )}
          </div>
          {remove.error && (
            <p className="error" role="alert">
              {remove.error}
            </p>
          )}
        </form>
      </div>
    </section>
  )
}
