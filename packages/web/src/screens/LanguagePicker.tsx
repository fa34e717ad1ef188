import { useState } from "react"
import { useTranslation } from "react-i18next"
import { languages, type LanguageTag } from "../i18n/languages"
import { chooseLanguage, currentLanguage } from "../i18n/setup"

/** Every language named in itself; choosing one applies at once (and flips the layout for Arabic). */
export function LanguagePicker({ compact }: { compact?: boolean }) {
  const { t } = useTranslation()
  // The choice shows at once; the translations may take a moment to load.
  const [current, setCurrent] = useState<LanguageTag>(currentLanguage)
  const choose = (tag: LanguageTag) => {
    setCurrent(tag)
    void chooseLanguage(tag)
  }
  if (compact) {
    return (
      <div className="field">
        <label htmlFor="language">{t("me.language")}</label>
        <select id="language" value={current} onChange={(e) => choose(e.target.value as LanguageTag)}>
          {languages.map((l) => (
            <option key={l.tag} value={l.tag} lang={l.tag}>
              {l.name}
            </option>
          ))}
        </select>
      </div>
    )
  }
  return (
    <fieldset className="list" style={{ border: "none", padding: 0, margin: 0 }}>
      <legend className="visually-hidden">{t("me.language")}</legend>
      {languages.map((l) => (
        <label key={l.tag} className="toggle" lang={l.tag}>
          <span>{l.name}</span>
          <input
            type="radio"
            name="language"
            value={l.tag}
            checked={current === l.tag}
            onChange={() => choose(l.tag)}
          />
        </label>
      ))}
    </fieldset>
  )
}
