/**
 * The languages Kith speaks. Tags are BCP 47; `dir` sets the layout direction
 * (Arabic is right-to-left); `name` is how the language names itself, so a
 * person can find their own language whatever the current one is.
 */
export const languages = [
  { tag: "en", name: "English", dir: "ltr" },
  { tag: "zh-Hans", name: "简体中文", dir: "ltr" },
  { tag: "zh-Hant", name: "繁體中文", dir: "ltr" },
  { tag: "ar", name: "العربية", dir: "rtl" },
  { tag: "ru", name: "Русский", dir: "ltr" },
  { tag: "es", name: "Español", dir: "ltr" },
  { tag: "fr", name: "Français", dir: "ltr" },
  { tag: "cs", name: "Čeština", dir: "ltr" },
] as const

export type LanguageTag = (typeof languages)[number]["tag"]

export const defaultLanguage: LanguageTag = "en"

export function isLanguageTag(value: unknown): value is LanguageTag {
  return languages.some((l) => l.tag === value)
}

export function directionOf(tag: LanguageTag): "ltr" | "rtl" {
  return languages.find((l) => l.tag === tag)?.dir ?? "ltr"
}

/**
 * The best supported language for the browser's preferences: an exact tag,
 * then Chinese by script or region (Taiwan, Hong Kong and Macau write
 * Traditional), then the primary language, else English.
 */
export function matchLanguage(preferred: readonly string[]): LanguageTag {
  for (const raw of preferred) {
    const tag = raw.trim()
    if (isLanguageTag(tag)) return tag
    const lower = tag.toLowerCase()
    if (lower.startsWith("zh")) {
      if (/hant|-tw|-hk|-mo/.test(lower)) return "zh-Hant"
      return "zh-Hans"
    }
    const primary = lower.split("-")[0]
    const match = languages.find((l) => l.tag === primary)
    if (match) return match.tag
  }
  return defaultLanguage
}
