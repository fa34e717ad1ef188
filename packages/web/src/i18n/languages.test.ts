import { describe, expect, it } from "vitest"
import { directionOf, matchLanguage } from "./languages"

describe("matchLanguage", () => {
  it("picks the browser's language, by script and region for Chinese", () => {
    expect(matchLanguage(["fr-CA", "en"])).toBe("fr")
    expect(matchLanguage(["zh-CN"])).toBe("zh-Hans")
    expect(matchLanguage(["zh-TW"])).toBe("zh-Hant")
    expect(matchLanguage(["zh-Hant-HK"])).toBe("zh-Hant")
    expect(matchLanguage(["zh"])).toBe("zh-Hans")
    expect(matchLanguage(["de-DE", "cs-CZ"])).toBe("cs")
    expect(matchLanguage(["ar-EG"])).toBe("ar")
  })

  it("falls back to English", () => {
    expect(matchLanguage([])).toBe("en")
    expect(matchLanguage(["de", "ja"])).toBe("en")
  })

  it("lays Arabic out right to left", () => {
    expect(directionOf("ar")).toBe("rtl")
    expect(directionOf("ru")).toBe("ltr")
  })
})
