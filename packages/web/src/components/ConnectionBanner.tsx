import { useTranslation } from "react-i18next"
import type { ConnectionState } from "../model/viewTypes"

/** Says when Kith is not connected: reading works, sends wait and go out on reconnect. */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  const { t } = useTranslation()
  if (state === "online") return null
  return (
    <div className="banner offline" role="status" data-testid="connection-banner" data-state={state}>
      {state === "offline" ? t("connection.offline") : t("connection.connecting")}
    </div>
  )
}
