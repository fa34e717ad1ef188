import type { ReactNode } from "react"
import { useTranslation } from "react-i18next"

/**
 * One step of the first run (create, restore, link): a titled form with its
 * fields, a line saying what is happening while it works, its error, and
 * the submit and Back buttons — the same frame for every step.
 */
export function StepForm({
  title,
  busy,
  busyText,
  error,
  submitLabel,
  canSubmit,
  onSubmit,
  onBack,
  children,
}: {
  title: string
  busy: boolean
  busyText: string
  error?: string
  submitLabel: string
  canSubmit: boolean
  onSubmit(): void
  onBack(): void
  children: ReactNode
}) {
  const { t } = useTranslation()
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault()
        onSubmit()
      }}
    >
      <h2>{title}</h2>
      {children}
      {busy && <p role="status">{busyText}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={busy || !canSubmit}>
          {submitLabel}
        </button>
        <button type="button" className="button secondary" onClick={onBack} disabled={busy}>
          {t("common.back")}
        </button>
      </div>
    </form>
  )
}
