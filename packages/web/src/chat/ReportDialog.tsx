import { useEffect, useState } from "react"
import { useTranslation } from "react-i18next"
import type { ReportedMessage, ReportReason } from "@kith/core"
import { useModel } from "../app/context"
import { formatTime } from "../i18n/format"
import type { ChatMessage } from "../model/viewTypes"
import { errorText } from "../screens/useAsyncAction"
import { ModalDialog } from "./ModalDialog"

const reasons: ReportReason[] = ["spam", "harassment", "threat", "impersonation", "other"]
/** How far back the dialog offers messages to add to a report. */
const CANDIDATES = 30

/**
 * The consent dialog of a report: the user ticks messages (the one they
 * chose Report on comes ticked), sees exactly what would leave the device —
 * the engine's own preview, not a guess — picks a reason, and only then
 * sends. Everything shown is user content rendered as text.
 */
export function ReportDialog({
  chatId,
  messages,
  firstId,
  onClose,
}: {
  chatId: string
  messages: ChatMessage[]
  firstId: string
  onClose(): void
}) {
  const { t, i18n } = useTranslation()
  const model = useModel()
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set([firstId]))
  const [reason, setReason] = useState<ReportReason>("spam")
  const [preview, setPreview] = useState<ReportedMessage[]>([])
  const [status, setStatus] = useState<"choosing" | "sending" | "sent">("choosing")
  const [error, setError] = useState<string>()
  useEffect(() => {
    let current = true
    model.reportPreview(chatId, [...chosen]).then(
      (shown) => current && setPreview(shown),
      (e: unknown) => current && setError(errorText(t, e)),
    )
    return () => {
      current = false
    }
  }, [model, chatId, chosen, t])

  const candidates = messages
    .filter((m) => !m.mine && (m.body.kind === "text" || m.body.kind === "attachment"))
    .slice(-CANDIDATES)
  const toggle = (id: string) =>
    setChosen((all) => {
      const next = new Set(all)
      if (!next.delete(id)) next.add(id)
      return next
    })
  const send = () => {
    setStatus("sending")
    model.report(chatId, [...chosen], reason).then(
      () => setStatus("sent"),
      (e: unknown) => {
        setStatus("choosing")
        setError(errorText(t, e))
      },
    )
  }

  return (
    <ModalDialog
      title={t("report.title")}
      titleId="report-title"
      className="report-dialog"
      testId="report-dialog"
      onClose={onClose}
    >
      {(close) => (
        <>
          {status === "sent" ? (
            <p role="status" data-testid="report-sent">
              {t("report.sent")}
            </p>
          ) : (
            <>
              <p data-testid="report-consent">{t("report.consent")}</p>
              <fieldset>
                <legend>{t("report.choose")}</legend>
                {candidates.map((m) => (
                  <label key={m.id} className="report-choice" dir="auto">
                    <input
                      type="checkbox"
                      checked={chosen.has(m.id)}
                      onChange={() => toggle(m.id)}
                      data-testid="report-choice"
                      data-message-id={m.id}
                    />{" "}
                    {m.senderName ? `${m.senderName}: ` : ""}
                    {m.body.kind === "text"
                      ? m.body.text
                      : m.body.kind === "attachment"
                        ? m.body.caption
                        : ""}
                  </label>
                ))}
              </fieldset>
              <label>
                {t("report.reason")}{" "}
                <select
                  value={reason}
                  onChange={(e) => setReason(e.target.value as ReportReason)}
                  data-testid="report-reason"
                >
                  {reasons.map((r) => (
                    <option key={r} value={r}>
                      {t(`report.reasons.${r}`)}
                    </option>
                  ))}
                </select>
              </label>
              <h3>{t("report.willSend")}</h3>
              <ul className="report-preview" data-testid="report-preview">
                {preview.map((m, i) => (
                  <li key={i} dir="auto">
                    <code>{m.senderAccountId}</code> {formatTime(m.sentAtMs, i18n.language)}: {m.text}
                    {m.attachment && ` 📎 ${m.attachment.fileName}`}
                  </li>
                ))}
              </ul>
              {error && (
                <p className="status-failed" role="alert">
                  {error}
                </p>
              )}
            </>
          )}
          <div className="actions">
            <button type="button" className="button secondary" onClick={close}>
              {status === "sent" ? t("common.dismiss") : t("common.cancel")}
            </button>
            {status !== "sent" && (
              <button
                type="button"
                className="button"
                disabled={preview.length === 0 || status === "sending"}
                onClick={send}
                data-testid="report-send"
              >
                {t("report.send")}
              </button>
            )}
          </div>
        </>
      )}
    </ModalDialog>
  )
}
