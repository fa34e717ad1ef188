import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { PasscodeField } from "../components/PasscodeField"
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
            <PasscodeField
              id="lock-current"
              label={t("lock.current")}
              value={current}
              onChange={setCurrent}
              purpose="current"
            />
          )}
          <PasscodeField
            id="lock-new"
            label={t("lock.new")}
            value={next}
            onChange={setNext}
            purpose="new"
            hint={t("lock.hint")}
          />
          <PasscodeField
            id="lock-repeat"
            label={t("lock.repeat")}
            value={repeat}
            onChange={setRepeat}
            purpose="new"
          />
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
