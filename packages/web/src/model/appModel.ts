import type { KithClient, KithEvent, MessageView } from "@kith/core"
import { ErrorCode, KithError } from "@kith/protocol"
import type { KithDatabase } from "../storage/database"
import { hasPasscode, removePasscode, setPasscode } from "../storage/keyVault"
import { initialState, type AppState, type Me } from "./appState"
import { defaultPrefs, loadDrafts, loadPrefs, saveDraft, savePrefs, type Prefs } from "./appPrefs"
import {
  createStorage,
  openClient,
  openDatabase,
  openStorage,
  unlockStorage,
  wipeBrowserData,
  type OpenedStorage,
} from "./engineSession"
import { linkNewDevice } from "./linking"
import { chatMessageOf, chatSummaryOf, outboxMessageOf } from "./fromEngine"
import { Outbox, type OutboxEntry } from "./outbox"
import { searchMessages, type SearchHit } from "./search"
import { deviceFingerprint } from "./fingerprint"
import type { ChatMessage, FriendRequestView, Person, Warning } from "./viewTypes"

export interface AppModelOptions {
  serverUrl: string
}

/**
 * The web app's state and everything a screen can ask for. It owns the engine
 * (one per browser profile, guarded by a Web Lock), turns the engine's events
 * into fresh snapshots for React, keeps drafts, settings and the outbox, and
 * reloads only what an event touched.
 */
export class AppModel {
  private state: AppState = initialState
  private readonly listeners = new Set<() => void>()
  private db: KithDatabase | undefined
  private storage: OpenedStorage | undefined
  private client: KithClient | undefined
  private prefs: Prefs = defaultPrefs
  private drafts = new Map<string, string>()
  private outbox: Outbox | undefined
  /** Engine messages of the chats on screen, by chat id (reference-counted by openChat). */
  private readonly loaded = new Map<string, MessageView[]>()
  private readonly openCount = new Map<string, number>()
  private readonly names = new Map<string, string>()
  private readonly stops: (() => void)[] = []
  private refreshQueued = false
  private readonly staleChats = new Set<string>()

  constructor(private readonly options: AppModelOptions) {}

  // ---- React's view of the model ----

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): AppState => this.state

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch }
    for (const l of this.listeners) l()
  }

  // ---- lifecycle ----

  async boot(): Promise<void> {
    try {
      if (!(await this.holdEngineLock())) return this.set({ phase: { kind: "elsewhere" } })
      this.db = openDatabase()
      const status = await openStorage(this.db)
      if (status.kind === "new") return this.set({ phase: { kind: "welcome" } })
      if (status.kind === "locked")
        return this.set({ phase: { kind: "locked" }, settings: { ...this.state.settings, appLock: true } })
      await this.openWith(status.storage)
    } catch (e) {
      console.error(e)
      this.set({ phase: { kind: "failed", message: String(e) } })
    }
  }

  /** One engine per browser profile: a second tab would race the first over the same keys and mailbox. */
  private holdEngineLock(): Promise<boolean> {
    if (!navigator.locks) return Promise.resolve(true)
    return new Promise((resolve) => {
      void navigator.locks.request("kith-engine", { ifAvailable: true }, (lock) => {
        resolve(lock !== null)
        // Held for the page's lifetime.
        return lock ? new Promise<void>(() => {}) : undefined
      })
    })
  }

  private async openWith(storage: OpenedStorage): Promise<void> {
    this.storage = storage
    this.prefs = await loadPrefs(storage.appStore)
    this.drafts = await loadDrafts(storage.appStore)
    const client = await openClient(this.options.serverUrl, storage)
    if (!client.accountId) {
      await client.close()
      return this.set({ phase: { kind: "welcome" } })
    }
    this.client = client
    await this.start()
  }

  async unlock(passcode: string): Promise<void> {
    if (!this.db) return
    try {
      const storage = await unlockStorage(this.db, passcode)
      await this.openWith(storage)
    } catch (e) {
      if (e instanceof KithError && e.code === ErrorCode.Forbidden)
        return this.set({ phase: { kind: "locked", error: "wrong-passcode" } })
      throw e
    }
  }

  /** Closes the engine and forgets the data key; the passcode is needed to open again. */
  async lockNow(): Promise<void> {
    await this.shutdown()
    this.set({
      ...initialState,
      phase: { kind: "locked" },
      settings: { ...this.state.settings, appLock: true },
    })
  }

  private async ensureStorage(): Promise<OpenedStorage> {
    if (this.storage) return this.storage
    this.db ??= openDatabase()
    const status = await openStorage(this.db)
    this.storage = status.kind === "open" ? status.storage : await createStorage(this.db)
    this.prefs = await loadPrefs(this.storage.appStore)
    return this.storage
  }

  async createAccount(displayName: string): Promise<void> {
    const storage = await this.ensureStorage()
    const client = await openClient(this.options.serverUrl, storage)
    const { recoveryPhrase } = await client.register({ displayName })
    this.client = client
    this.prefs = { ...this.prefs, phraseConfirmed: false }
    await savePrefs(storage.appStore, this.prefs)
    this.set({ phase: { kind: "recovery-phrase", phrase: recoveryPhrase } })
  }

  confirmRecoveryPhrase(): void {
    this.prefs = { ...this.prefs, phraseConfirmed: true }
    if (this.storage) void savePrefs(this.storage.appStore, this.prefs)
    void this.start()
  }

  async restore(phrase: string): Promise<void> {
    const storage = await this.ensureStorage()
    const client = await openClient(this.options.serverUrl, storage)
    await client.restore(phrase)
    this.client = client
    await this.start()
  }

  async linkDevice(code: string): Promise<void> {
    const storage = await this.ensureStorage()
    this.client = await linkNewDevice(this.options.serverUrl, storage.engineStore, code)
    await this.start()
  }

  private async start(): Promise<void> {
    const client = this.client!
    this.outbox = new Outbox(
      this.storage!.appStore,
      (e) => this.deliver(e),
      () => this.rerenderAll(),
    )
    await this.outbox.load()
    this.stops.push(client.on((event) => this.onEvent(event)))
    const tick = setInterval(() => this.set({ now: Date.now() }), 10_000)
    this.stops.push(() => clearInterval(tick))
    const online = () =>
      this.set({ connection: this.state.connection === "online" ? "online" : "connecting" })
    const offline = () => this.set({ connection: "offline" })
    addEventListener("online", online)
    addEventListener("offline", offline)
    this.stops.push(() => {
      removeEventListener("online", online)
      removeEventListener("offline", offline)
    })
    this.set({
      phase: { kind: "ready" },
      me: this.meOf(client),
      connection: navigator.onLine ? "connecting" : "offline",
      settings: {
        readReceipts: this.prefs.readReceipts,
        appLock: this.db ? await hasPasscode(this.db) : false,
      },
    })
    await this.refresh()
    void client.connect().catch((e: unknown) => console.warn("connect", e))
  }

  private meOf(client: KithClient): Me {
    return {
      accountId: client.accountId!,
      deviceId: client.deviceId!,
      name: client.displayName ?? "",
      username: client.username,
    }
  }

  private async shutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop()
    await this.client?.close()
    this.client = undefined
    this.storage = undefined
    this.outbox = undefined
    this.loaded.clear()
  }

  // ---- events and refreshing ----

  private onEvent(event: KithEvent): void {
    switch (event.type) {
      case "connection":
        this.set({ connection: event.online ? "online" : navigator.onLine ? "connecting" : "offline" })
        if (event.online) void this.outbox?.flush()
        return
      case "message":
      case "recalled":
      case "read":
      case "renamed":
      case "admin-changed":
      case "member-added":
      case "member-removed":
      case "removed-from-conversation":
        this.staleChats.add(event.conversationId)
        break
      case "device-added":
        if (!event.own) this.addWarning(event.accountId, event.deviceId)
        if (event.conversationId) this.staleChats.add(event.conversationId)
        break
      case "decrypt-failed":
        if (event.conversationId) this.staleChats.add(event.conversationId)
        break
      case "friend-request":
      case "friend-accepted":
      case "conversation-added":
      case "untrusted-device":
        break
    }
    this.scheduleRefresh()
  }

  private addWarning(accountId: string, deviceId: string): void {
    const id = `${accountId}/${deviceId}`
    if (this.prefs.dismissedWarnings.includes(id) || this.state.warnings.some((w) => w.id === id)) return
    const warning: Warning = {
      id,
      kind: "device-added",
      accountId,
      name: this.nameOf(accountId),
      at: Date.now(),
    }
    this.set({ warnings: [...this.state.warnings, warning] })
  }

  dismissWarning(id: string): void {
    this.prefs = { ...this.prefs, dismissedWarnings: [...this.prefs.dismissedWarnings, id] }
    if (this.storage) void savePrefs(this.storage.appStore, this.prefs)
    this.set({ warnings: this.state.warnings.filter((w) => w.id !== id) })
  }

  /** Coalesces a burst of events into one reload of the lists and the touched open chats. */
  private scheduleRefresh(): void {
    if (this.refreshQueued) return
    this.refreshQueued = true
    setTimeout(() => {
      this.refreshQueued = false
      void this.refresh().catch((e: unknown) => console.warn("refresh", e))
    }, 30)
  }

  private async refresh(): Promise<void> {
    const client = this.client
    if (!client) return
    const [conversations, friends, incoming] = await Promise.all([
      client.conversations(),
      client.friends(),
      client.friendRequests(),
    ])
    for (const f of friends) if (f.displayName) this.names.set(f.accountId, f.displayName)
    for (const c of conversations)
      for (const m of c.members) if (m.displayName) this.names.set(m.accountId, m.displayName)
    const blocked = new Set(this.prefs.blocked)
    const me = client.accountId!
    const chats = conversations
      .filter((c) => c.kind !== "self" && c.status !== "declined" && c.status !== "incoming-request")
      .map((c) => chatSummaryOf(c, me, (id) => this.nameOf(id), blocked))
      .filter((c) => !(c.kind === "direct" && c.peerId && blocked.has(c.peerId)))
      .sort((a, b) => b.activityAt - a.activityAt)
    const people: Person[] = friends.map((f) => ({
      accountId: f.accountId,
      name: f.displayName ?? this.nameOf(f.accountId),
      username: f.username,
      verified: f.verified,
      blocked: blocked.has(f.accountId),
    }))
    const requests: FriendRequestView[] = [
      ...incoming
        .filter((r) => !blocked.has(r.accountId))
        .map((r) => ({
          id: r.id,
          direction: "incoming" as const,
          accountId: r.accountId,
          name: this.nameOf(r.accountId),
          greeting: r.greeting || undefined,
          at: r.receivedAtMs,
        })),
      ...conversations
        .filter((c) => c.status === "outgoing-request")
        .map((c) => {
          const peer = c.members.find((m) => m.accountId !== me)
          return {
            id: c.id,
            direction: "outgoing" as const,
            accountId: peer?.accountId ?? "",
            name: peer ? this.nameOf(peer.accountId) : c.name,
            at: c.lastMessage?.sentAtMs ?? 0,
          }
        }),
    ]
    const stale = [...this.staleChats].filter((id) => this.loaded.has(id))
    this.staleChats.clear()
    for (const id of stale) this.loaded.set(id, await client.messages(id))
    this.set({ chats, friends: people, requests, me: this.meOf(client), messages: this.renderAll() })
    void this.fetchMissingNames([
      ...incoming.map((r) => r.accountId),
      ...people.filter((p) => !this.names.has(p.accountId)).map((p) => p.accountId),
    ])
  }

  private readonly fetchingNames = new Set<string>()

  /** Friends' names come from their encrypted profiles; fetch the ones not yet known. */
  private async fetchMissingNames(accountIds: string[]): Promise<void> {
    const client = this.client
    if (!client) return
    let found = false
    for (const id of accountIds) {
      if (this.names.has(id) || this.fetchingNames.has(id)) continue
      this.fetchingNames.add(id)
      try {
        const profile = await client.profileOf(id)
        if (profile?.displayName) {
          this.names.set(id, profile.displayName)
          found = true
        }
      } catch {
        // No profile yet, or not allowed to read it: keep the short id.
      }
    }
    if (found) this.scheduleRefresh()
  }

  nameOf(accountId: string): string {
    return this.names.get(accountId) ?? `Kith ${accountId.slice(0, 6)}`
  }

  private renderAll(): Record<string, ChatMessage[]> {
    const out: Record<string, ChatMessage[]> = {}
    for (const id of this.loaded.keys()) out[id] = this.render(id)
    return out
  }

  private rerenderAll(): void {
    this.set({ messages: this.renderAll() })
  }

  private render(chatId: string): ChatMessage[] {
    const views = this.loaded.get(chatId) ?? []
    const byId = new Map(views.map((m) => [m.id, m]))
    const blocked = new Set(this.prefs.blocked)
    const shown = views
      .filter((m) => !(m.senderAccountId && blocked.has(m.senderAccountId)))
      .map((m) => chatMessageOf(m, byId, (id) => this.nameOf(id), this.prefs.readReceipts))
    const queued = this.outbox?.entriesOf(chatId).map(outboxMessageOf) ?? []
    return queued.length ? [...shown, ...queued] : shown
  }

  /** Loads a chat's messages while a screen shows it; returns the function that lets go. */
  openChat(chatId: string): () => void {
    this.openCount.set(chatId, (this.openCount.get(chatId) ?? 0) + 1)
    if (!this.loaded.has(chatId)) {
      void this.client
        ?.messages(chatId)
        .then((views) => {
          if (!this.openCount.get(chatId)) return
          this.loaded.set(chatId, views)
          this.set({ messages: { ...this.state.messages, [chatId]: this.render(chatId) } })
        })
        .catch((e: unknown) => console.warn("messages", e))
    }
    return () => {
      const n = (this.openCount.get(chatId) ?? 1) - 1
      if (n > 0) return this.openCount.set(chatId, n)
      this.openCount.delete(chatId)
      this.loaded.delete(chatId)
      const { [chatId]: _closed, ...rest } = this.state.messages
      this.set({ messages: rest })
    }
  }

  async search(query: string): Promise<SearchHit[]> {
    const client = this.client
    if (!client) return []
    const chats = this.state.chats
    const all = new Map<string, ChatMessage[]>()
    for (const chat of chats) {
      const views = this.loaded.get(chat.id) ?? (await client.messages(chat.id))
      const byId = new Map(views.map((m) => [m.id, m]))
      all.set(
        chat.id,
        views.map((m) => chatMessageOf(m, byId, (id) => this.nameOf(id), false)),
      )
    }
    return searchMessages(query, chats, (id) => all.get(id) ?? [])
  }

  // ---- messages ----

  draftOf(chatId: string): string {
    return this.drafts.get(chatId) ?? ""
  }

  setDraft(chatId: string, text: string): void {
    if ((this.drafts.get(chatId) ?? "") === text) return
    if (text === "") this.drafts.delete(chatId)
    else this.drafts.set(chatId, text)
    if (this.storage) void saveDraft(this.storage.appStore, chatId, text)
  }

  async sendText(chatId: string, text: string, replyTo?: string): Promise<void> {
    this.setDraft(chatId, "")
    await this.outbox!.enqueue(chatId, text, replyTo, Date.now())
    await this.outbox!.flush()
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    await this.client!.sendText(
      entry.chatId,
      entry.text,
      entry.replyTo ? { replyTo: entry.replyTo } : undefined,
    )
    this.staleChats.add(entry.chatId)
    this.scheduleRefresh()
  }

  async retry(chatId: string, messageId: string): Promise<void> {
    void chatId
    await this.outbox?.retry(messageId)
  }

  async recall(chatId: string, messageId: string): Promise<void> {
    await this.client!.recall(chatId, messageId)
    this.staleChats.add(chatId)
    this.scheduleRefresh()
  }

  /** Marks what arrived in a chat as read; a receipt goes to the senders only if read receipts are on. */
  async markRead(chatId: string): Promise<void> {
    const views = this.loaded.get(chatId)
    if (!views) return
    const unread = views.filter((m) => !m.outgoing && !m.read && m.kind === "text").map((m) => m.id)
    if (unread.length === 0) return
    await this.client!.markRead(chatId, unread, { sendReceipt: this.prefs.readReceipts })
    this.staleChats.add(chatId)
    this.scheduleRefresh()
  }

  // ---- friends and groups ----

  async sendFriendRequest(username: string, greeting?: string): Promise<void> {
    await this.client!.sendFriendRequest(username, greeting)
    this.scheduleRefresh()
  }

  async acceptFriendRequest(id: string): Promise<void> {
    await this.client!.acceptFriendRequest(id)
    this.scheduleRefresh()
  }

  async declineFriendRequest(id: string): Promise<void> {
    await this.client!.declineFriendRequest(id)
    this.scheduleRefresh()
  }

  /** Blocking is local: their requests and messages are hidden here; the server is not told. */
  async setBlocked(accountId: string, blocked: boolean): Promise<void> {
    const set = new Set(this.prefs.blocked)
    if (blocked) set.add(accountId)
    else set.delete(accountId)
    this.prefs = { ...this.prefs, blocked: [...set] }
    await savePrefs(this.storage!.appStore, this.prefs)
    await this.refresh()
  }

  async createGroup(name: string, accountIds: string[]): Promise<string> {
    const conversation = await this.client!.createGroup(name, accountIds)
    await this.refresh()
    return typeof conversation === "string" ? conversation : conversation.id
  }

  async addMembers(chatId: string, accountIds: string[]): Promise<void> {
    await this.client!.addMembers(chatId, accountIds)
    this.touch(chatId)
  }

  async removeMembers(chatId: string, accountIds: string[]): Promise<void> {
    await this.client!.removeMembers(chatId, accountIds)
    this.touch(chatId)
  }

  async renameGroup(chatId: string, name: string): Promise<void> {
    await this.client!.renameGroup(chatId, name)
    this.touch(chatId)
  }

  async setAdmin(chatId: string, accountId: string, admin: boolean): Promise<void> {
    await this.client!.setAdmin(chatId, accountId, admin)
    this.touch(chatId)
  }

  async leaveGroup(chatId: string): Promise<void> {
    await this.client!.leaveGroup(chatId)
    this.touch(chatId)
  }

  private touch(chatId: string): void {
    this.staleChats.add(chatId)
    this.scheduleRefresh()
  }

  async safetyNumber(accountId: string): Promise<string> {
    return this.client!.safetyNumber(accountId)
  }

  async markVerified(accountId: string): Promise<void> {
    await this.client!.markVerified(accountId)
    await this.refresh()
  }

  // ---- me ----

  async setDisplayName(name: string): Promise<void> {
    await this.client!.setDisplayName(name)
    this.set({ me: this.meOf(this.client!) })
  }

  async claimUsername(username: string): Promise<void> {
    await this.client!.claimUsername(username)
    this.set({ me: this.meOf(this.client!) })
  }

  async refreshDevices(): Promise<void> {
    const client = this.client
    if (!client) return
    const devices = await client.devices()
    this.set({
      devices: await Promise.all(
        devices.map(async (d) => ({
          deviceId: d.deviceId,
          current: d.current,
          fingerprint: await deviceFingerprint(d.publicKey ?? d.deviceId),
          addedAt: d.issuedAtMs,
        })),
      ),
    })
  }

  async removeDevice(deviceId: string): Promise<void> {
    await this.client!.removeDevice(deviceId)
    await this.refreshDevices()
  }

  createLinkCode(): Promise<{ code: string; done: Promise<void> }> {
    return this.client!.createLinkCode()
  }

  async setReadReceipts(on: boolean): Promise<void> {
    this.prefs = { ...this.prefs, readReceipts: on }
    await savePrefs(this.storage!.appStore, this.prefs)
    this.set({ settings: { ...this.state.settings, readReceipts: on }, messages: this.renderAll() })
  }

  async setPasscode(passcode: string, current?: string): Promise<void> {
    await setPasscode(this.db!, passcode, current)
    this.set({ settings: { ...this.state.settings, appLock: true } })
  }

  async removePasscode(current: string): Promise<void> {
    await removePasscode(this.db!, current)
    this.set({ settings: { ...this.state.settings, appLock: false } })
  }

  async deleteAccount(): Promise<void> {
    await this.client!.deleteAccount()
    const db = this.db!
    await this.shutdown()
    await wipeBrowserData(db)
    location.hash = ""
    location.reload()
  }
}
