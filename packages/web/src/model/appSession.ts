import type { KithClient } from "@kith/core"
import { ErrorCode, KithError } from "@kith/protocol"
import type { KithDatabase } from "../storage/database"
import { decodeJson, encodeJson, loadDrafts, loadPrefs, type Prefs } from "./appPrefs"
import type { AppState, Settings } from "./appState"
import { holdEngineLock } from "./engineLock"
import {
  createStorage,
  openClient,
  openDatabase,
  openStorage,
  unlockStorage,
  type OpenedStorage,
} from "./engineSession"
import { linkNewDevice } from "./linking"
import { readListCache } from "./listCache"

/** Kept (sealed) between registering and confirming the phrase, so a reload cannot skip the check. */
const PENDING_PHRASE_KEY = "pending-recovery-phrase"

export interface AppSessionDeps {
  serverUrl: string
  show: (patch: Partial<AppState>) => void
  settings: () => Settings
  /** The app's own records, read as soon as storage opens (drafts only when opening an existing account). */
  restoreRecords: (prefs: Prefs, drafts?: Map<string, string>) => void
  /** Storage and engine are open and the account is registered: run the app. */
  start: () => Promise<void>
}

/**
 * Getting to an open engine: this tab's lock, the browser database, the
 * passcode when app lock is on, and the ways in for a new device (register,
 * restore from the phrase, link to another device). It holds the storage and
 * the engine once open and hands the engine to whoever asked for it early.
 */
export class AppSession {
  private database: KithDatabase | undefined
  private stores: OpenedStorage | undefined
  private engineClient: KithClient | undefined
  private clientWaiters: ((client: KithClient) => void)[] = []

  constructor(private readonly deps: AppSessionDeps) {}

  get db(): KithDatabase | undefined {
    return this.database
  }

  get storage(): OpenedStorage | undefined {
    return this.stores
  }

  get client(): KithClient | undefined {
    return this.engineClient
  }

  /** The engine, once open (the chat list may show from its cache a moment before). */
  engine(): Promise<KithClient> {
    if (this.engineClient) return Promise.resolve(this.engineClient)
    return new Promise((resolve) => this.clientWaiters.push(resolve))
  }

  async boot(): Promise<void> {
    const { show } = this.deps
    try {
      if (!(await holdEngineLock())) return show({ phase: { kind: "elsewhere" } })
      this.database = openDatabase()
      const status = await openStorage(this.database)
      if (status.kind === "new") return show({ phase: { kind: "welcome" } })
      if (status.kind === "locked")
        return show({ phase: { kind: "locked" }, settings: { ...this.deps.settings(), appLock: true } })
      await this.openWith(status.storage)
    } catch (e) {
      console.error(e)
      show({ phase: { kind: "failed", message: String(e) } })
    }
  }

  async unlock(passcode: string): Promise<void> {
    if (!this.database) return
    try {
      await this.openWith(await unlockStorage(this.database, passcode))
    } catch (e) {
      if (e instanceof KithError && e.code === ErrorCode.Forbidden)
        return this.deps.show({ phase: { kind: "locked", error: "wrong-passcode" } })
      throw e
    }
  }

  async createAccount(displayName: string): Promise<void> {
    const storage = await this.ensureStorage()
    const client = await openClient(this.deps.serverUrl, storage)
    const { recoveryPhrase } = await client.register({ displayName })
    this.useClient(client)
    await storage.appStore.put(PENDING_PHRASE_KEY, encodeJson(recoveryPhrase))
    this.deps.show({ phase: { kind: "recovery-phrase", phrase: recoveryPhrase } })
  }

  async confirmRecoveryPhrase(): Promise<void> {
    await this.stores?.appStore.delete(PENDING_PHRASE_KEY)
    await this.deps.start()
  }

  async restore(phrase: string): Promise<void> {
    const storage = await this.ensureStorage()
    const client = await openClient(this.deps.serverUrl, storage)
    await client.restore(phrase)
    this.useClient(client)
    await this.deps.start()
  }

  async linkDevice(code: string): Promise<void> {
    const storage = await this.ensureStorage()
    this.useClient(await linkNewDevice(this.deps.serverUrl, storage.engineStore, code))
    await this.deps.start()
  }

  /** Closes the engine and lets go of the data key (the database stays, for unlocking again). */
  async close(): Promise<void> {
    await this.engineClient?.close()
    this.engineClient = undefined
    this.stores = undefined
  }

  private async openWith(storage: OpenedStorage): Promise<void> {
    this.stores = storage
    const [prefs, drafts, pending, cached] = await Promise.all([
      loadPrefs(storage.appStore),
      loadDrafts(storage.appStore),
      storage.appStore.get(PENDING_PHRASE_KEY),
      readListCache(storage.appStore),
    ])
    this.deps.restoreRecords(prefs, drafts)
    // The chat list as it was last shown, while the engine opens its store and lists it afresh.
    if (cached && !pending) {
      const { me, chats } = cached
      this.deps.show({ phase: { kind: "ready" }, me, chats, connection: "connecting" })
    }
    const client = await openClient(this.deps.serverUrl, storage)
    if (!client.isRegistered) {
      await client.close()
      return this.deps.show({ phase: { kind: "welcome" } })
    }
    this.useClient(client)
    if (pending)
      return this.deps.show({ phase: { kind: "recovery-phrase", phrase: decodeJson<string>(pending) } })
    await this.deps.start()
  }

  /** A new device: the storage that is open, or new storage with a new data key. */
  private async ensureStorage(): Promise<OpenedStorage> {
    if (this.stores) return this.stores
    this.database ??= openDatabase()
    const status = await openStorage(this.database)
    this.stores = status.kind === "open" ? status.storage : await createStorage(this.database)
    this.deps.restoreRecords(await loadPrefs(this.stores.appStore))
    return this.stores
  }

  private useClient(client: KithClient): void {
    this.engineClient = client
    for (const wake of this.clientWaiters.splice(0)) wake(client)
  }
}
