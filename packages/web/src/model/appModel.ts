import type { KithClient, KithEvent, MessageView, ReportedMessage, ReportReason } from "@kith/core"
import type { KithDatabase } from "../storage/database"
import { hasPasscode } from "../storage/keyVault"
import { initialState, type AppState } from "./appState"
import { defaultPrefs, saveDraft, savePrefs, type Prefs } from "./appPrefs"
import { AppSession } from "./appSession"
import { wipeBrowserData, type OpenedStorage } from "./engineSession"
import { AccountSettings, meOf } from "./accountSettings"
import { watchConnection } from "./connectionWatch"
import { FriendActions } from "./friendActions"
import { GroupActions } from "./groupActions"
import { ListCacheWriter } from "./listCache"
import { chatListsOf, shownAccountIds } from "./chatLists"
import { chatMessageOf, failedMessageOf, type FailedSend } from "./fromEngine"
import { searchMessages, type SearchHit } from "./search"
import {
  recordSystemLine,
  systemEventOf,
  systemLinesOf,
  type SystemFact,
  type SystemLine,
} from "./systemLines"
import type { VoiceNote } from "../media/voiceRecorder"
import { MessageActions } from "./messageActions"
import type { AvatarCrop } from "../media/prepareAvatar"
import { ProfileDirectory } from "./profileDirectory"
import type { ChatMessage, Warning } from "./viewTypes"

export interface AppModelOptions {
  serverUrl: string
}

/**
 * The web app's state and everything a screen can ask for. It turns the
 * engine's events into fresh snapshots for React, keeps drafts, settings and
 * system lines, and reloads only what an event touched. The rest it hands to
 * parts that each get only what they need: AppSession opens storage and the
 * engine, MessageActions acts on messages, FriendActions and GroupActions on
 * people and groups, ProfileDirectory knows names and pictures, and
 * AccountSettings keeps the "me" screens.
 */
export class AppModel {
  private state: AppState = initialState
  private readonly listeners = new Set<() => void>()
  private prefs: Prefs = defaultPrefs
  private drafts = new Map<string, string>()
  /** Engine messages of the chats on screen, by chat id (reference-counted by openChat). */
  private readonly loaded = new Map<string, MessageView[]>()
  private readonly systemLines = new Map<string, SystemLine[]>()
  private readonly openCount = new Map<string, number>()
  private engineOnline = false
  private readonly stops: (() => void)[] = []
  private refreshQueued = false
  private readonly staleChats = new Set<string>()
  /** Texts the engine refused outright (never stored): shown as failed with a retry until retried. */
  private readonly failed: FailedSend[] = []
  private readonly profiles = new ProfileDirectory({
    client: () => this.client,
    engine: () => this.engine(),
    avatars: () => this.state.avatars,
    showAvatars: (avatars) => this.set({ avatars }),
    namesChanged: () => this.scheduleRefresh(),
  })

  private readonly messaging = new MessageActions({
    engine: () => this.engine(),
    openMessages: (chatId) => this.loaded.get(chatId),
    failed: this.failed,
    prefs: () => this.prefs,
    updatePrefs: (patch) => this.updatePrefs(patch),
    clearDraft: (chatId) => this.setDraft(chatId, ""),
    showPhotoNotice: () => this.set({ photoNotice: true }),
    showUploads: (uploads) => this.set({ uploads }),
    touch: (chatId) => this.touch(chatId),
  })

  private readonly friendActions = new FriendActions({
    engine: () => this.engine(),
    refreshSoon: () => this.scheduleRefresh(),
    refreshNow: () => this.refresh(),
  })

  private readonly groupActions = new GroupActions({
    engine: () => this.engine(),
    noteCreated: (chatId) =>
      this.addSystemLine(chatId, Date.now(), { kind: "created", byAccountId: this.state.me?.accountId }),
    refreshNow: () => this.refresh(),
    touch: (chatId) => this.touch(chatId),
  })

  private readonly account = new AccountSettings({
    client: () => this.client,
    engine: () => this.engine(),
    db: () => this.db,
    settings: () => this.state.settings,
    showMe: (me) => this.set({ me }),
    showDevices: (devices) => this.set({ devices }),
    showSettings: (settings) => this.set({ settings }),
  })

  private readonly listCache = new ListCacheWriter(() => ({
    store: this.storage?.appStore,
    me: this.state.me,
    chats: this.state.chats,
  }))

  private readonly session: AppSession

  constructor(options: AppModelOptions) {
    this.session = new AppSession({
      serverUrl: options.serverUrl,
      show: (patch) => this.set(patch),
      settings: () => this.state.settings,
      restoreRecords: (prefs, drafts) => {
        this.prefs = prefs
        if (drafts) this.drafts = drafts
      },
      start: () => this.start(),
    })
  }

  private get db(): KithDatabase | undefined {
    return this.session.db
  }

  private get storage(): OpenedStorage | undefined {
    return this.session.storage
  }

  private get client(): KithClient | undefined {
    return this.session.client
  }

  /** The engine, once open (the chat list may show from its cache a moment before). */
  private engine(): Promise<KithClient> {
    return this.session.engine()
  }

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

  /** Changes the app's own settings at once; they are saved (sealed) once storage is open. */
  private async updatePrefs(patch: Partial<Prefs>): Promise<void> {
    this.prefs = { ...this.prefs, ...patch }
    if (this.storage) await savePrefs(this.storage.appStore, this.prefs)
  }

  // ---- lifecycle ----

  boot(): Promise<void> {
    return this.session.boot()
  }

  unlock(passcode: string): Promise<void> {
    return this.session.unlock(passcode)
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

  createAccount(displayName: string): Promise<void> {
    return this.session.createAccount(displayName)
  }

  confirmRecoveryPhrase(): Promise<void> {
    return this.session.confirmRecoveryPhrase()
  }

  restore(phrase: string): Promise<void> {
    return this.session.restore(phrase)
  }

  linkDevice(code: string): Promise<void> {
    return this.session.linkDevice(code)
  }

  private async start(): Promise<void> {
    const client = await this.engine()
    this.stops.push(client.on((event) => this.onEvent(event)))
    const tick = setInterval(() => {
      this.set({ now: Date.now() })
      if (this.profiles.namesMissing) this.scheduleRefresh()
    }, 10_000)
    this.stops.push(() => clearInterval(tick))
    this.stops.push(
      watchConnection({
        client: () => this.client,
        engineOnline: () => this.engineOnline,
        show: (connection) => this.set({ connection }),
      }),
    )
    this.set({
      phase: { kind: "ready" },
      me: await meOf(client),
      connection: navigator.onLine ? "connecting" : "offline",
      settings: {
        readReceipts: this.prefs.readReceipts,
        appLock: this.db ? await hasPasscode(this.db) : false,
      },
    })
    // Blocks made before the engine enforced them move into it; from then on the engine's list is the one.
    if (this.prefs.blocked.length > 0) {
      for (const id of this.prefs.blocked)
        if (!client.blockedAccounts().includes(id)) await client.setBlocked(id, true)
      this.prefs = { ...this.prefs, blocked: [] }
      await savePrefs(this.storage!.appStore, this.prefs)
    }
    await this.refresh()
    // Connecting retries by itself (with backoff) until it succeeds or the app closes.
    void client.connect().catch((e: unknown) => console.warn("connect", e))
  }

  private async shutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop()
    await this.session.close()
    this.loaded.clear()
    this.systemLines.clear()
  }

  // ---- events and refreshing ----

  private onEvent(event: KithEvent): void {
    const at = Date.now()
    switch (event.type) {
      case "connection":
        this.engineOnline = event.online
        this.set({ connection: event.online ? "online" : navigator.onLine ? "connecting" : "offline" })
        break
      case "message":
      case "recalled":
      case "read":
      case "delivered":
      case "sent":
        this.staleChats.add(event.conversationId)
        break
      case "member-added":
      case "member-removed":
        // A new member's profile key arrives with it: their name can be read now.
        this.profiles.askAgain(event.accountId)
        this.addSystemLine(event.conversationId, at, { kind: event.type, accountIds: [event.accountId] })
        break
      case "renamed":
        this.addSystemLine(event.conversationId, at, {
          kind: "renamed",
          name: event.name,
          byAccountId: event.byAccountId,
        })
        break
      case "admin-changed":
        this.addSystemLine(event.conversationId, at, {
          kind: "admin-changed",
          accountId: event.accountId,
          admin: event.admin,
        })
        break
      case "removed-from-conversation":
        this.addSystemLine(event.conversationId, at, { kind: "removed-from-chat" })
        break
      case "friend-accepted":
        this.profiles.askAgain(event.accountId)
        this.addSystemLine(event.conversationId, at, { kind: "friend-accepted", accountId: event.accountId })
        break
      case "device-added":
        if (!event.own) {
          this.addWarning(event.accountId, event.deviceId)
          if (event.conversationId)
            this.addSystemLine(event.conversationId, at, { kind: "device-added", accountId: event.accountId })
        }
        break
      case "decrypt-failed":
        if (event.conversationId) this.staleChats.add(event.conversationId)
        break
      case "deleted":
      case "timer-changed":
      case "messages-missing":
        this.staleChats.add(event.conversationId)
        break
      case "untrusted-device":
        // Never silent: a refused device or a changed account key is a warning in every chat with them.
        this.addWarning(
          event.accountId,
          event.deviceId,
          event.reason === "account-key-changed" ? "key-changed" : "device-refused",
        )
        break
      case "error":
        console.warn("engine:", event.code, event.message)
        break
      case "conversation-added":
        // Joining an existing group brings no membership event of its own: say so in the history.
        // A group starts with its creator as the only admin: that tells creating from joining.
        if (event.conversation.kind === "group") {
          const mine =
            this.state.me !== undefined && event.conversation.admins.includes(this.state.me.accountId)
          this.addSystemLine(
            event.conversation.id,
            at,
            mine
              ? { kind: "created", byAccountId: this.state.me?.accountId }
              : { kind: "joined", memberCount: event.conversation.members.length },
          )
        }
        break
      case "friend-request":
        break
    }
    this.scheduleRefresh()
  }

  /** Writes a system line into a chat's history (sealed), then shows it if the chat is open. */
  private addSystemLine(chatId: string, at: number, fact: SystemFact): void {
    const storage = this.storage
    if (!storage) return
    void recordSystemLine(storage.appStore, chatId, at, fact).then((line) => {
      this.systemLines.get(chatId)?.push(line)
      this.touch(chatId)
    })
  }

  private addWarning(accountId: string, deviceId: string, kind: Warning["kind"] = "device-added"): void {
    // New-device warnings keep their original id form: ones dismissed before stay dismissed.
    const id = kind === "device-added" ? `${accountId}/${deviceId}` : `${kind}/${accountId}/${deviceId}`
    if (this.prefs.dismissedWarnings.includes(id) || this.state.warnings.some((w) => w.id === id)) return
    const warning: Warning = {
      id,
      kind,
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

  private touch(chatId: string): void {
    this.staleChats.add(chatId)
    this.scheduleRefresh()
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
    const [conversations, friends, incoming, me] = await Promise.all([
      client.conversations(),
      client.friends(),
      client.friendRequests(),
      meOf(client),
    ])
    for (const f of friends) if (f.displayName) this.profiles.learnName(f.accountId, f.displayName)
    const lists = { conversations, friends, incoming }
    const shown = chatListsOf(lists, {
      myAccountId: me.accountId,
      nameOf: (id) => this.nameOf(id),
      blocked: this.blocked(),
      readSilently: this.prefs.readSilently,
    })
    const stale = [...this.staleChats].filter((id) => this.loaded.has(id))
    this.staleChats.clear()
    for (const id of stale) this.loaded.set(id, await client.messages(id))
    this.set({ ...shown, me, messages: this.renderAll() })
    this.listCache.writeSoon()
    void this.profiles.fetchProfiles(shownAccountIds(lists, me.accountId))
  }

  /** Sets my picture from an image, cut to the chosen square and encoded again here; undefined removes it. */
  setAvatar(image: ImageBitmap | undefined, crop?: AvatarCrop): Promise<void> {
    return this.profiles.setAvatar(image, crop)
  }

  nameOf(accountId: string): string {
    return this.profiles.nameOf(accountId)
  }

  private renderAll(): Record<string, ChatMessage[]> {
    const out: Record<string, ChatMessage[]> = {}
    for (const id of this.loaded.keys()) out[id] = this.render(id)
    return out
  }

  private render(chatId: string): ChatMessage[] {
    const views = this.loaded.get(chatId) ?? []
    const byId = new Map(views.map((m) => [m.id, m]))
    const blocked = this.blocked()
    const nameOf = (id: string) => this.nameOf(id)
    const shown = views
      .filter((m) => !(m.senderAccountId && blocked.has(m.senderAccountId)))
      .map((m) => ({
        order: m.receivedAtMs,
        message: chatMessageOf(m, byId, nameOf, this.prefs.readReceipts),
      }))
    // In a direct chat "X joined" is the friend request itself; the friendship line says it better.
    const direct = this.state.chats.find((c) => c.id === chatId)?.kind === "direct"
    const lines = (this.systemLines.get(chatId) ?? [])
      .filter((l) => !(direct && (l.fact.kind === "member-added" || l.fact.kind === "member-removed")))
      .map((l) => ({
        order: l.at,
        message: {
          id: l.id,
          at: l.at,
          mine: false,
          body: { kind: "system" as const, event: systemEventOf(l.fact, nameOf) },
        },
      }))
    const merged = lines.length ? [...shown, ...lines].sort((a, b) => a.order - b.order) : shown
    const failed = this.failed.filter((f) => f.chatId === chatId).map(failedMessageOf)
    return [...merged.map((x) => x.message), ...failed]
  }

  /** Loads a chat's messages while a screen shows it; returns the function that lets go. */
  openChat(chatId: string): () => void {
    this.openCount.set(chatId, (this.openCount.get(chatId) ?? 0) + 1)
    const storage = this.storage
    if (!this.loaded.has(chatId) && storage) {
      void this.engine()
        .then((client) => Promise.all([client.messages(chatId), systemLinesOf(storage.appStore, chatId)]))
        .then(([views, lines]) => {
          if (!this.openCount.get(chatId)) return
          this.loaded.set(chatId, views)
          this.systemLines.set(chatId, lines)
          this.set({ messages: { ...this.state.messages, [chatId]: this.render(chatId) } })
        })
        .catch((e: unknown) => console.warn("messages", e))
    }
    return () => {
      const n = (this.openCount.get(chatId) ?? 1) - 1
      if (n > 0) return void this.openCount.set(chatId, n)
      this.openCount.delete(chatId)
      this.loaded.delete(chatId)
      this.systemLines.delete(chatId)
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

  sendText(chatId: string, text: string, replyTo?: string): Promise<void> {
    return this.messaging.sendText(chatId, text, replyTo)
  }

  sendFile(chatId: string, file: File): Promise<void> {
    return this.messaging.sendFile(chatId, file)
  }

  dismissPhotoNotice(): void {
    this.set({ photoNotice: false })
  }

  sendVoice(chatId: string, note: VoiceNote): Promise<void> {
    return this.messaging.sendVoice(chatId, note)
  }

  pauseUpload(id: string): void {
    this.messaging.pauseUpload(id)
  }

  resumeUpload(id: string): Promise<void> {
    return this.messaging.resumeUpload(id)
  }

  discardUpload(id: string): void {
    this.messaging.discardUpload(id)
  }

  forward(fromChatId: string, messageId: string, toChatId: string): Promise<void> {
    return this.messaging.forward(fromChatId, messageId, toChatId)
  }

  markPlayed(chatId: string, messageId: string): Promise<void> {
    return this.messaging.markPlayed(chatId, messageId)
  }

  attachmentBlob(
    chatId: string,
    messageId: string,
    onProgress?: (received: number, total: number) => void,
  ): Promise<{ blob: Blob; fileName: string }> {
    return this.messaging.attachmentBlob(chatId, messageId, onProgress)
  }

  retry(chatId: string, localId: string): Promise<void> {
    return this.messaging.retry(chatId, localId)
  }

  reportPreview(chatId: string, messageIds: string[]): Promise<ReportedMessage[]> {
    return this.messaging.reportPreview(chatId, messageIds)
  }

  report(chatId: string, messageIds: string[], reason: ReportReason): Promise<void> {
    return this.messaging.report(chatId, messageIds, reason)
  }

  deleteForMe(chatId: string, messageId: string): Promise<void> {
    return this.messaging.deleteForMe(chatId, messageId)
  }

  setDisappearingTimer(chatId: string, timerMs: number): Promise<void> {
    return this.messaging.setDisappearingTimer(chatId, timerMs)
  }

  recall(chatId: string, messageId: string): Promise<void> {
    return this.messaging.recall(chatId, messageId)
  }

  markRead(chatId: string): Promise<void> {
    return this.messaging.markRead(chatId)
  }

  // ---- friends and groups ----

  sendFriendRequest(username: string, greeting?: string): Promise<void> {
    return this.friendActions.sendFriendRequest(username, greeting)
  }

  acceptFriendRequest(id: string): Promise<void> {
    return this.friendActions.acceptFriendRequest(id)
  }

  declineFriendRequest(id: string): Promise<void> {
    return this.friendActions.declineFriendRequest(id)
  }

  setBlocked(accountId: string, blocked: boolean): Promise<void> {
    return this.friendActions.setBlocked(accountId, blocked)
  }

  /** Who is blocked: the engine's list, which this account's devices keep in step. */
  private blocked(): ReadonlySet<string> {
    return new Set(this.client?.blockedAccounts() ?? [])
  }

  createGroup(name: string, accountIds: string[]): Promise<string> {
    return this.groupActions.createGroup(name, accountIds)
  }

  addMembers(chatId: string, accountIds: string[]): Promise<void> {
    return this.groupActions.addMembers(chatId, accountIds)
  }

  removeMembers(chatId: string, accountIds: string[]): Promise<void> {
    return this.groupActions.removeMembers(chatId, accountIds)
  }

  renameGroup(chatId: string, name: string): Promise<void> {
    return this.groupActions.renameGroup(chatId, name)
  }

  setAdmin(chatId: string, accountId: string, admin: boolean): Promise<void> {
    return this.groupActions.setAdmin(chatId, accountId, admin)
  }

  leaveGroup(chatId: string): Promise<void> {
    return this.groupActions.leaveGroup(chatId)
  }

  safetyNumber(accountId: string): Promise<string> {
    return this.friendActions.safetyNumber(accountId)
  }

  markVerified(accountId: string): Promise<void> {
    return this.friendActions.markVerified(accountId)
  }

  // ---- me ----

  setDisplayName(name: string): Promise<void> {
    return this.account.setDisplayName(name)
  }

  claimUsername(username: string): Promise<void> {
    return this.account.claimUsername(username)
  }

  refreshDevices(): Promise<void> {
    return this.account.refreshDevices()
  }

  removeDevice(deviceId: string): Promise<void> {
    return this.account.removeDevice(deviceId)
  }

  createLinkCode(): Promise<{ code: string; done: Promise<void> }> {
    return this.account.createLinkCode()
  }

  async setReadReceipts(on: boolean): Promise<void> {
    this.prefs = { ...this.prefs, readReceipts: on }
    await savePrefs(this.storage!.appStore, this.prefs)
    this.set({ settings: { ...this.state.settings, readReceipts: on }, messages: this.renderAll() })
  }

  setPasscode(passcode: string, current?: string): Promise<void> {
    return this.account.setPasscode(passcode, current)
  }

  removePasscode(current: string): Promise<void> {
    return this.account.removePasscode(current)
  }

  async deleteAccount(): Promise<void> {
    await (await this.engine()).deleteAccount()
    const db = this.db!
    await this.shutdown()
    await wipeBrowserData(db)
    location.hash = ""
    location.reload()
  }
}
