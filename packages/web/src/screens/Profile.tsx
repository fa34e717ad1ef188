import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { AvatarEditor } from "./AvatarEditor"
import { useAsyncAction } from "./useAsyncAction"

/** My picture and display name (encrypted; only friends can read them) and my username (what friends search for). */
export function Profile() {
  const { t } = useTranslation()
  const { me } = useAppState()
  const model = useModel()
  const [name, setName] = useState(me?.name ?? "")
  const [username, setUsername] = useState(me?.username ?? "")
  const [saved, setSaved] = useState<"name" | "username">()
  const saveName = useAsyncAction(async () => {
    await model.setDisplayName(name.trim())
    setSaved("name")
  })
  const saveUsername = useAsyncAction(async () => {
    await model.claimUsername(username.trim().toLowerCase())
    setSaved("username")
  })
  return (
    <section className="screen">
      <TopBar title={t("me.profile")} back={hrefOf({ tab: "me" })} />
      <div className="screen-body">
        <AvatarEditor />
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void saveName.run()
          }}
        >
          <div className="field">
            <label htmlFor="profile-name">{t("profile.displayName")}</label>
            <input id="profile-name" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
            <p className="hint">{t("profile.nameHint")}</p>
          </div>
          {saveName.error && (
            <p className="error" role="alert">
              {saveName.error}
            </p>
          )}
          <button type="submit" className="button" disabled={saveName.busy || name.trim() === ""}>
            {t("common.save")}
          </button>
        </form>
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void saveUsername.run()
          }}
        >
          <div className="field">
            <label htmlFor="profile-username">{t("contacts.username")}</label>
            <input
              id="profile-username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoCapitalize="none"
              autoComplete="username"
              spellCheck={false}
              dir="ltr"
              aria-describedby="username-hint"
            />
            <p className="hint" id="username-hint">
              {t("profile.usernameHint")}
            </p>
          </div>
          {saveUsername.error && (
            <p className="error" role="alert">
              {saveUsername.error}
            </p>
          )}
          <button type="submit" className="button" disabled={saveUsername.busy || username.trim() === ""}>
            {t("profile.claim")}
          </button>
        </form>
        {saved && (
          <p role="status" className="card" data-testid="profile-saved">
            {t("common.saved")}
          </p>
        )}
      </div>
    </section>
  )
}
