import { describe, expect, it } from "vitest"
import { daysBetween, formatBadge, formatDay, formatNumber } from "./format"

const noon = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12).getTime()

describe("locale formatting", () => {
  it("counts calendar days, not 24-hour spans", () => {
    const lateEvening = new Date(2026, 2, 3, 23, 50).getTime()
    const earlyMorning = new Date(2026, 2, 4, 0, 10).getTime()
    expect(daysBetween(lateEvening, earlyMorning)).toBe(1)
  })

  it("names today and yesterday in the reader's language", () => {
    const now = noon(2026, 3, 4)
    expect(formatDay(now, "en", now)).toBe("Today")
    expect(formatDay(noon(2026, 3, 3), "fr", now)).toBe("Hier")
    expect(formatDay(noon(2026, 3, 3), "ru", now)).toBe("Вчера")
    expect(formatDay(noon(2025, 1, 9), "en", now)).toContain("2025")
  })

  it("writes numbers with the locale's digits", () => {
    expect(formatNumber(1234, "en")).toBe("1,234")
    expect(formatNumber(1234, "fr")).toMatch(/^1\s234$/u)
    expect(formatBadge(150, "en")).toBe("99+")
  })
})
