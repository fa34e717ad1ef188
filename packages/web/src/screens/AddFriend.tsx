import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import { hrefOf, navigate } from "../app/route"
import { TopBar } from "../components/TopBar"
import { QrScanner } from "../components/QrScanner"
import { useAsyncAction } from "./useAsyncAction"
import { parseFriendCode } from "../model/qrPayloads"

/** Add a friend by username, or by scanning or uploading their Kith QR code. */
export function AddFriend({ username: initial }: { username?: string }) {
  const { t } = useTranslation()
  const model = useModel()
  const [username, setUsername] = useState(initial ?? "")
  const [greeting, setGreeting] = useState("")
  const [sent, setSent] = useState(false)
  const { run, busy, error, setError } = useAsyncAction(async (name: string) => {
    await model.sendFriendRequest(name, greeting.trim() || undefined)
    setSent(true)
  })
  return (
    <section className="screen">
      <TopBar title={t("contacts.add")} back={hrefOf({ tab: "contacts" })} />
      <div className="screen-body">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void run(username.trim().toLowerCase())
          }}
        >
          <div className="field">
            <label htmlFor="friend-username">{t("contacts.username")}</label>
            <input
              id="friend-username"
              value={username}
              onChange={(e) => {
                setSent(false)
                setUsername(e.target.value)
              }}
              autoCapitalize="none"
              autoComplete="off"
              spellCheck={false}
              dir="ltr"
            />
          </div>
          <div className="field">
            <label htmlFor="friend-greeting">{t("contacts.greeting")}</label>
            <input
              id="friend-greeting"
              value={greeting}
              onChange={(e) => setGreeting(e.target.value)}
              maxLength={200}
            />
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {sent && (
            <p role="status" data-testid="request-sent">
              {t("contacts.requestSent")}
            </p>
          )}
          <div className="button-row">
            <button type="submit" className="button" disabled={busy || username.trim() === ""}>
              {busy ? t("contacts.sending") : t("contacts.sendRequest")}
            </button>
            {sent && (
              <button type="button" className="button secondary" onClick={() => navigate({ tab: "chats" })}>
                {t("tabs.chats")}
              </button>
            )}
          </div>
        </form>
        <div className="card">
          <h2>{t("contacts.scanTitle")}</h2>
          <p className="hint">{t("contacts.scanHint")}</p>
          <QrScanner
            onCode={(text) => {
              const name = parseFriendCode(text)
              if (!name) return setError(t("qr.notKith"))
              setUsername(name)
              void run(name)
            }}
          />
        </div>
      </div>
    </section>
  )
}
