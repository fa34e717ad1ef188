/**
 * Dates and numbers in the reader's language, through the browser's Intl: the
 * same instant reads "14:05" in Czech, "下午2:05" in Chinese and "٢:٠٥ م" in Arabic.
 */
const DAY_MS = 24 * 3600 * 1000

function startOfDay(ms: number): number {
  const d = new Date(ms)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

/** Whole calendar days between two instants in local time (DST-safe). */
export function daysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS)
}

export function formatTime(ms: number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit" }).format(ms)
}

/** A day separator: "Today", "Yesterday", a weekday this week, else a full date. */
export function formatDay(ms: number, lang: string, now: number): string {
  const days = daysBetween(ms, now)
  if (days === 0 || days === 1) {
    const text = new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(-days, "day")
    return text.charAt(0).toLocaleUpperCase(lang) + text.slice(1)
  }
  if (days > 1 && days < 7) return new Intl.DateTimeFormat(lang, { weekday: "long" }).format(ms)
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear()
  return new Intl.DateTimeFormat(lang, {
    day: "numeric",
    month: "long",
    year: sameYear ? undefined : "numeric",
  }).format(ms)
}

/** The compact time in a chat list row: a time today, a weekday this week, else a short date. */
export function formatListTime(ms: number, lang: string, now: number): string {
  const days = daysBetween(ms, now)
  if (days === 0) return formatTime(ms, lang)
  if (days > 0 && days < 7) return new Intl.DateTimeFormat(lang, { weekday: "short" }).format(ms)
  return new Intl.DateTimeFormat(lang, { day: "numeric", month: "numeric", year: "2-digit" }).format(ms)
}

export function formatNumber(n: number, lang: string): string {
  return new Intl.NumberFormat(lang).format(n)
}

/** An unread badge: the count, or "99+" in the reader's digits. */
export function formatBadge(n: number, lang: string): string {
  return n > 99 ? `${formatNumber(99, lang)}+` : formatNumber(n, lang)
}
