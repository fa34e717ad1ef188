import { useCallback, useState } from "react"
import { useTranslation } from "react-i18next"
import { KithError } from "@kith/protocol"

/**
 * Runs a button's action once at a time and turns a failure into a message in
 * the person's language: known error codes have their own text, anything else
 * a generic one (details go to the console, never into the page as markup).
 */
export function useAsyncAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const run = useCallback(
    async (...args: A) => {
      setBusy(true)
      setError(undefined)
      try {
        await action(...args)
        return true
      } catch (e) {
        console.warn(e)
        setError(errorText(t, e))
        return false
      } finally {
        setBusy(false)
      }
    },
    [action, t],
  )
  return { run, busy, error, setError }
}

export function errorText(t: (key: string) => string, e: unknown): string {
  if (e instanceof KithError) {
    const key = `errors.${e.code}`
    const text = t(key)
    if (text !== key) return text
  }
  return t("errors.generic")
}
