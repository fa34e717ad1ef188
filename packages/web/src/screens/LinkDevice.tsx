import { useEffect, useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { QrCode } from "../components/QrCode"
import { TopBar } from "../components/TopBar"
import { errorText } from "./useAsyncAction"

type Step =
  | { kind: "creating" }
  | { kind: "waiting"; code: string }
  | { kind: "done" }
  | { kind: "failed"; message: string }

/**
 * Shows a one-time code (and its QR) for a new device; this device then
 * certifies it and adds it to every conversation. The code holds the secret
 * that encrypts the hand-over, so it is shown only here and never sent.
 */
export function LinkDevice() {
  const { t } = useTranslation()
  const model = useModel()
  const [step, setStep] = useState<Step>({ kind: "creating" })
  useEffect(() => {
    let live = true
    model
      .createLinkCode()
      .then(({ code, done }) => {
        if (!live) return
        setStep({ kind: "waiting", code })
        return done.then(() => live && setStep({ kind: "done" }))
      })
      .catch((e: unknown) => live && setStep({ kind: "failed", message: errorText(t, e) }))
    return () => {
      live = false
    }
  }, [model, t])
  return (
    <section className="screen">
      <TopBar title={t("devices.link")} back={hrefOf({ tab: "me", detail: { screen: "devices" } })} />
      <div className="screen-body">
        <div className="card">
          {step.kind === "creating" && <p role="status">{t("common.loading")}</p>}
          {step.kind === "waiting" && (
            <>
              <p>{t("devices.linkSteps")}</p>
              <QrCode text={step.code} label={t("devices.linkQr")} />
              <p className="code-text" data-testid="link-code">
                {step.code}
              </p>
              <p className="hint" role="status">
                {t("devices.waiting")}
              </p>
            </>
          )}
          {step.kind === "done" && (
            <p role="status" data-testid="link-done">
              {t("devices.linked")}
            </p>
          )}
          {step.kind === "failed" && (
            <p className="error" role="alert">
              {step.message}
            </p>
          )}
        </div>
      </div>
    </section>
  )
}
