import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import { LanguagePicker } from "./LanguagePicker"
import { QrScanner } from "../components/QrScanner"
import { useAsyncAction } from "./useAsyncAction"
import { StepForm } from "./StepForm"

type Mode = "start" | "create" | "restore" | "link"

/** First run: create an account, restore one from its recovery phrase, or link this browser as a new device. */
export function Welcome() {
  const { t } = useTranslation()
  const [mode, setMode] = useState<Mode>("start")
  return (
    <main className="welcome">
      <img className="logo" src="/icon.svg" alt="" width={96} height={96} />
      <h1>{t("welcome.title")}</h1>
      {mode === "start" && (
        <>
          <p>{t("welcome.tagline")}</p>
          <button type="button" className="button" onClick={() => setMode("create")}>
            {t("welcome.create")}
          </button>
          <button type="button" className="button secondary" onClick={() => setMode("restore")}>
            {t("welcome.restore")}
          </button>
          <button type="button" className="button secondary" onClick={() => setMode("link")}>
            {t("welcome.link")}
          </button>
          <LanguagePicker compact />
        </>
      )}
      {mode === "create" && <CreateAccount onBack={() => setMode("start")} />}
      {mode === "restore" && <Restore onBack={() => setMode("start")} />}
      {mode === "link" && <LinkThisDevice onBack={() => setMode("start")} />}
    </main>
  )
}

function CreateAccount({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation()
  const model = useModel()
  const [name, setName] = useState("")
  const { run, busy, error } = useAsyncAction(() => model.createAccount(name.trim()))
  return (
    <StepForm
      title={t("welcome.create")}
      busy={busy}
      busyText={t("welcome.creating")}
      error={error}
      submitLabel={t("common.continue")}
      canSubmit={name.trim() !== ""}
      onSubmit={() => void run()}
      onBack={onBack}
    >
      <div className="field">
        <label htmlFor="display-name">{t("profile.displayName")}</label>
        <input
          id="display-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={64}
          autoComplete="nickname"
          required
        />
        <p className="hint">{t("welcome.nameHint")}</p>
      </div>
    </StepForm>
  )
}

function Restore({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation()
  const model = useModel()
  const [phrase, setPhrase] = useState("")
  const { run, busy, error } = useAsyncAction(() => model.restore(phrase))
  return (
    <StepForm
      title={t("welcome.restore")}
      busy={busy}
      busyText={t("welcome.restoring")}
      error={error}
      submitLabel={t("welcome.restore")}
      canSubmit={phrase.trim() !== ""}
      onSubmit={() => void run()}
      onBack={onBack}
    >
      <div className="field">
        <label htmlFor="phrase">{t("welcome.phraseLabel")}</label>
        <textarea
          id="phrase"
          rows={4}
          value={phrase}
          onChange={(e) => setPhrase(e.target.value)}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          dir="ltr"
        />
        <p className="hint">{t("welcome.restoreHint")}</p>
      </div>
    </StepForm>
  )
}

function LinkThisDevice({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation()
  const model = useModel()
  const [code, setCode] = useState("")
  const { run, busy, error } = useAsyncAction((c: string) => model.linkDevice(c))
  return (
    <StepForm
      title={t("welcome.link")}
      busy={busy}
      busyText={t("welcome.linking")}
      error={error}
      submitLabel={t("welcome.linkButton")}
      canSubmit={code !== ""}
      onSubmit={() => void run(code)}
      onBack={onBack}
    >
      <p>{t("welcome.linkHint")}</p>
      <QrScanner
        onCode={(c) => {
          setCode(c)
          void run(c)
        }}
      />
      <div className="field">
        <label htmlFor="link-code">{t("welcome.linkCode")}</label>
        <input
          id="link-code"
          value={code}
          onChange={(e) => setCode(e.target.value.trim())}
          autoComplete="off"
          spellCheck={false}
          dir="ltr"
        />
      </div>
    </StepForm>
  )
}
