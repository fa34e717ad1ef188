import i18next from "i18next"
import { initReactI18next } from "react-i18next"
import en from "./locales/en.json"
import { defaultLanguage, directionOf, isLanguageTag, matchLanguage, type LanguageTag } from "./languages"

/**
 * Translations: English ships with the app (it is also the fallback); the
 * other languages are loaded when chosen, so the start bundle carries one.
 * The choice is kept in localStorage rather than the encrypted store because
 * the lock screen needs it before anything is decrypted; a language says
 * nothing about a person's messages.
 */
const STORAGE_KEY = "kith.language"

const loaders: Record<Exclude<LanguageTag, "en">, () => Promise<{ default: Record<string, unknown> }>> = {
  "zh-Hans": () => import("./locales/zh-Hans.json"),
  "zh-Hant": () => import("./locales/zh-Hant.json"),
  ar: () => import("./locales/ar.json"),
  ru: () => import("./locales/ru.json"),
  es: () => import("./locales/es.json"),
  fr: () => import("./locales/fr.json"),
  cs: () => import("./locales/cs.json"),
}

export function initialLanguage(): LanguageTag {
  const saved = localStorage.getItem(STORAGE_KEY)
  if (isLanguageTag(saved)) return saved
  return matchLanguage(navigator.languages ?? [navigator.language])
}

export async function setupI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: defaultLanguage,
    fallbackLng: defaultLanguage,
    interpolation: { escapeValue: false }, // React renders text, never HTML
    returnNull: false,
  })
  await applyLanguage(initialLanguage())
}

export async function chooseLanguage(tag: LanguageTag): Promise<void> {
  localStorage.setItem(STORAGE_KEY, tag)
  await applyLanguage(tag)
}

async function applyLanguage(tag: LanguageTag): Promise<void> {
  if (tag !== "en" && !i18next.hasResourceBundle(tag, "translation")) {
    const bundle = await loaders[tag]()
    i18next.addResourceBundle(tag, "translation", bundle.default)
  }
  await i18next.changeLanguage(tag)
  document.documentElement.lang = tag
  document.documentElement.dir = directionOf(tag)
}

export function currentLanguage(): LanguageTag {
  const lng = i18next.language
  return isLanguageTag(lng) ? lng : defaultLanguage
}
