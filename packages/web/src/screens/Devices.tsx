import { useEffect } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** My devices, each with its key fingerprint; remove one that is lost or not mine. */
export function Devices() {
  const { t } = useTranslation()
  const state = useAppState()
  const model = useModel()
  useEffect(() => void model.refreshDevices(), [model])
  const remove = useAsyncAction(async (deviceId: string) => {
    if (confirm(t("devices.confirmRemove"))) await model.removeDevice(deviceId)
  })
  return (
    <section className="screen">
      <TopBar title={t("me.devices")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <ul className="list" data-testid="device-list">
          {state.devices.map((d) => (
            <li key={d.deviceId} className="row" data-testid="device">
              <span className="row-main">
                <span className="row-title">
                  <span className="name">
                    {d.current ? t("devices.thisDevice") : t("devices.otherDevice")}
                  </span>
                </span>
                <span className="fingerprint" aria-label={t("devices.fingerprint")}>
                  {d.fingerprint}
                </span>
              </span>
              {!d.current && (
                <button
                  type="button"
                  className="button small danger"
                  disabled={remove.busy}
                  onClick={() => void remove.run(d.deviceId)}
                >
                  {t("devices.remove")}
                </button>
              )}
            </li>
          ))}
        </ul>
        {remove.error && (
          <p className="error" role="alert">
            {remove.error}
          </p>
        )}
        <div className="form">
          <a className="button" href={hrefOf({ tab: "me", detail: { screen: "link-device" } })}>
            {t("devices.link")}
          </a>
          <p className="hint">{t("devices.linkHint")}</p>
        </div>
      </div>
    </section>
  )
}
