import { useEffect, useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { QrCode } from "../components/QrCode"
import { QrScanner } from "../components/QrScanner"
import { TopBar } from "../components/TopBar"
import { parseSafetyCode, safetyCodeFor } from "../model/qrPayloads"
import { useAsyncAction } from "./useAsyncAction"

/**
 * Compare safety numbers with a contact, in person or by scanning each other's
 * code: if they match, nobody sits in the middle of your conversation.
 */
export function SafetyNumber({ accountId }: { accountId: string }) {
  const { t } = useTranslation()
  const model = useModel()
  const state = useAppState()
  const person = state.friends.find((f) => f.accountId === accountId)
  const name = person?.name ?? model.nameOf(accountId)
  const [number, setNumber] = useState<string>()
  const [scan, setScan] = useState<"match" | "mismatch">()
  const verify = useAsyncAction(() => model.markVerified(accountId))
  useEffect(() => {
    let live = true
    void model.safetyNumber(accountId).then((n) => live && setNumber(n))
    return () => {
      live = false
    }
  }, [model, accountId])
  const groups = number?.replace(/\D/g, "").match(/\d{5}/g) ?? []
  return (
    <section className="screen">
      <TopBar
        title={t("safety.title")}
        back={hrefOf({ tab: "contacts", detail: { screen: "contact", accountId } })}
      />
      <div className="screen-body">
        <div className="card">
          <p>{t("safety.explain", { name })}</p>
          {number && (
            <>
              <QrCode text={safetyCodeFor(number)} label={t("safety.qr")} />
              <div className="safety-number" data-testid="safety-number" aria-label={t("safety.title")}>
                {groups.map((g, i) => (
                  <span key={i}>{g}</span>
                ))}
              </div>
            </>
          )}
        </div>
        <div className="card">
          <h2>{t("safety.scanTitle")}</h2>
          <QrScanner
            onCode={(text) => {
              const theirs = parseSafetyCode(text)
              const ok = theirs !== undefined && theirs === number?.replace(/\D/g, "")
              setScan(ok ? "match" : "mismatch")
              if (ok) void verify.run()
            }}
          />
          {scan === "match" && (
            <p role="status" data-testid="safety-match">
              {t("safety.match")}
            </p>
          )}
          {scan === "mismatch" && (
            <p className="error" role="alert">
              {t("safety.mismatch")}
            </p>
          )}
        </div>
        <div className="form">
          {person?.verified ? (
            <p role="status">{t("safety.verified")}</p>
          ) : (
            <button
              type="button"
              className="button"
              disabled={verify.busy || !number}
              onClick={() => void verify.run()}
            >
              {t("safety.markVerified")}
            </button>
          )}
        </div>
      </div>
    </section>
  )
}
