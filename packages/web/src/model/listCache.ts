import type { SealedStore } from "../storage/sealedStore"
import { decodeJson, encodeJson } from "./appPrefs"
import type { AppState, Me } from "./appState"

/** The last chat list shown, sealed like everything else: a warm start shows it before the engine is open. */
const LIST_CACHE_KEY = "chat-list-cache"
/** Lists change in bursts (a refresh per event): write once things settle. */
const WRITE_DELAY_MS = 1000

export interface ListCache {
  me: Me
  chats: AppState["chats"]
}

export async function readListCache(store: SealedStore): Promise<ListCache | undefined> {
  const bytes = await store.get(LIST_CACHE_KEY)
  return bytes ? decodeJson<ListCache>(bytes) : undefined
}

/** Keeps the chat list (sealed) for the next start to show at once; a later call replaces a pending write. */
export class ListCacheWriter {
  private timer: ReturnType<typeof setTimeout> | undefined

  /** `current` is read when the write happens, so the newest list is the one kept. */
  constructor(private readonly current: () => { store?: SealedStore; me?: Me; chats: AppState["chats"] }) {}

  writeSoon(): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      const { store, me, chats } = this.current()
      if (me && store) void store.put(LIST_CACHE_KEY, encodeJson({ me, chats } satisfies ListCache))
    }, WRITE_DELAY_MS)
  }
}
