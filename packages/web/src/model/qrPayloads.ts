/**
 * What Kith's QR codes carry. A friend code is a link into the app's add-friend
 * screen (so a phone's camera app opens Kith too); a safety code carries the
 * 60-digit safety number so two people can compare by scanning.
 */
const USERNAME = /^[a-z0-9_.]{3,32}$/

export function friendCodeFor(origin: string, username: string): string {
  return `${origin}/#/contacts/add/${encodeURIComponent(username)}`
}

export function parseFriendCode(text: string): string | undefined {
  const match = /#\/contacts\/add\/([^/?#]+)$/.exec(text.trim())
  const name = match ? decodeURIComponent(match[1]!) : undefined
  return name && USERNAME.test(name) ? name : undefined
}

export function safetyCodeFor(safetyNumber: string): string {
  return `kith-safety:${safetyNumber.replace(/\D/g, "")}`
}

export function parseSafetyCode(text: string): string | undefined {
  const match = /^kith-safety:(\d{60})$/.exec(text.trim())
  return match?.[1]
}
