import type { SealedStore } from "../storage/sealedStore"

/**
 * The web app's own small records, sealed like the engine's: drafts per chat,
 * privacy settings, blocked accounts, dismissed warnings, what was read
 * while read receipts were off, and one-time notices already shown.
 */
export interface Prefs {
  readReceipts: boolean
  blocked: string[]
  dismissedWarnings: string[]
  /** Per chat: message ids read here without sending a receipt (read receipts off). */
  readSilently: Record<string, string[]>
  /** The notice that photos lose their location and camera details was shown (it is shown once). */
  photoNoticeSeen: boolean
}

export const defaultPrefs: Prefs = {
  readReceipts: true,
  blocked: [],
  dismissedWarnings: [],
  readSilently: {},
  photoNoticeSeen: false,
}

const PREFS_KEY = "prefs"
const DRAFT_PREFIX = "draft/"

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
const decode = <T>(bytes: Uint8Array): T => JSON.parse(new TextDecoder().decode(bytes)) as T

export async function loadPrefs(store: SealedStore): Promise<Prefs> {
  const bytes = await store.get(PREFS_KEY)
  return bytes ? { ...defaultPrefs, ...decode<Partial<Prefs>>(bytes) } : defaultPrefs
}

export async function savePrefs(store: SealedStore, prefs: Prefs): Promise<void> {
  await store.put(PREFS_KEY, encode(prefs))
}

export async function loadDrafts(store: SealedStore): Promise<Map<string, string>> {
  const entries = await store.list(DRAFT_PREFIX)
  return new Map(entries.map((e) => [e.key.slice(DRAFT_PREFIX.length), decode<string>(e.value)]))
}

export async function saveDraft(store: SealedStore, chatId: string, text: string): Promise<void> {
  if (text === "") await store.delete(DRAFT_PREFIX + chatId)
  else await store.put(DRAFT_PREFIX + chatId, encode(text))
}

export { encode as encodeJson, decode as decodeJson }
