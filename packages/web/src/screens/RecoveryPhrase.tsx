import { useMemo, useState } from "react"
import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"

/**
 * Shows the new account's recovery phrase, then asks for three of its words,
 * so nobody reaches the chats without having kept the only way back in.
 */
export function RecoveryPhrase({ phrase }: { phrase: string }) {
  const { t } = useTranslation()
  const model = useModel()
  const words = useMemo(() => phrase.split(/\s+/), [phrase])
  const asked = useMemo(() => pickThree(words.length), [words.length])
  const [step, setStep] = useState<"show" | "confirm">("show")
  const [answers, setAnswers] = useState(["", "", ""])
  const [wrong, setWrong] = useState(false)

  if (step === "show") {
    return (
      <main className="welcome">
        <h1>{t("phrase.title")}</h1>
        <p>{t("phrase.explain")}</p>
        <ol className="phrase" data-testid="recovery-phrase" dir="ltr">
          {words.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ol>
        <button type="button" className="button" onClick={() => setStep("confirm")}>
          {t("phrase.written")}
        </button>
      </main>
    )
  }
  return (
    <main className="welcome">
      <h1>{t("phrase.confirmTitle")}</h1>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault()
          const ok = asked.every((index, i) => answers[i]!.trim().toLowerCase() === words[index])
          setWrong(!ok)
          if (ok) model.confirmRecoveryPhrase()
        }}
      >
        {asked.map((index, i) => (
          <div className="field" key={index}>
            <label htmlFor={`word-${index}`}>{t("phrase.wordNumber", { number: index + 1 })}</label>
            <input
              id={`word-${index}`}
              value={answers[i]}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              dir="ltr"
              onChange={(e) => setAnswers((a) => a.map((v, j) => (j === i ? e.target.value : v)))}
            />
          </div>
        ))}
        {wrong && (
          <p className="error" role="alert">
            {t("phrase.mismatch")}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button">
            {t("common.continue")}
          </button>
          <button type="button" className="button secondary" onClick={() => setStep("show")}>
            {t("phrase.showAgain")}
          </button>
        </div>
      </form>
    </main>
  )
}

function pickThree(n: number): number[] {
  const picked = new Set<number>()
  const random = new Uint32Array(16)
  crypto.getRandomValues(random)
  for (const r of random) {
    if (picked.size === 3) break
    picked.add(r % n)
  }
  return [...picked].sort((a, b) => a - b)
}
