import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, fromBase64Url, KithError, Limits } from "@kith/protocol"
import { Batch } from "./batch"
import { conversationView, nameOf } from "./conversationView"
import { listDevices, removeDevice } from "./devices"
import { Engine, type EngineOptions } from "./engine"
import type { KithEvent, KithEventListener } from "./events"
import {
  acceptFriendRequest,
  declineFriendRequest,
  friendRequests,
  pinAccount,
  sendFriendRequest,
} from "./friends"
import { addMembers, createGroup, leaveGroup, removeMembers, renameGroup, setAdmin } from "./groupOps"
import { defaultKeyPackagePolicy, type KeyPackagePolicy } from "./keyPackages"
import { topUpKeyPackages } from "./keyPackageSupply"
import { createLinkCode, joinWithLinkCode } from "./linking"
import { Mailbox } from "./mailbox"
import { findMessage, listMessages, putMessage, toView, type MessageRecord } from "./messageLog"
import { profileOf, setDisplayName } from "./profile"
import { b64 } from "./records"
import { register, restore } from "./registration"
import { secureRandom, systemClock, type Clock, type RandomBytes } from "./runtime"
import { pruneSeenDigests } from "./seenDigests"
import { sendContent } from "./send"
import { FrameSocket, type WebSocketConstructor } from "./socket"
import { safetyNumber } from "./safetyNumber"
import type { Store } from "./store"
import type { ConversationView, DeviceView, FriendRequestView, FriendView, MessageView } from "./views"

export interface KithClientOptions {
  serverUrl: string
  store: Store
  /** A WebSocket constructor; defaults to the global one (browsers). Node passes `nodeWebSocket` from @kith/core/node. */
  webSocket?: WebSocketConstructor
  clock?: Clock
  random?: RandomBytes
  /** How many one-time key packages to keep at the server (tests use fewer). */
  keyPackages?: KeyPackagePolicy
}

const CONNECT_TIMEOUT_MS = 15_000

/**
 * Kith's client engine behind one small facade: the CLI and the web app call
 * only this. Everything it returns uses base64url identifiers; everything it
 * learns arrives as events (`on`, or `for await (const e of client)`).
 */
export class KithClient implements AsyncIterable<KithEvent> {
  private readonly mailbox: Mailbox
  private caughtUp: Promise<void> = Promise.resolve()
  private markCaughtUp: () => void = () => {}

  private constructor(private readonly engine: Engine) {
    this.mailbox = new Mailbox(engine)
  }

  /** Opens a client on a store; loads the identity if the store holds one. Does not connect. */
  static async open(options: KithClientOptions): Promise<KithClient> {
    const engineOptions: EngineOptions = {
      serverUrl: options.serverUrl,
      store: options.store,
      webSocket: options.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket,
      clock: options.clock ?? systemClock,
      random: options.random ?? secureRandom,
      keyPackages: options.keyPackages ?? defaultKeyPackagePolicy,
    }
    return new KithClient(await Engine.open(engineOptions))
  }

  /** The new device's side of linking: enrols this (empty) store as a device of the account behind `code`. */
  static async linkDevice(options: KithClientOptions & { code: string }): Promise<KithClient> {
    const client = await KithClient.open(options)
    await joinWithLinkCode(client.engine, options.code)
    return client
  }

  get isRegistered(): boolean {
    return this.engine.identity !== undefined
  }

  get accountId(): string {
    return this.engine.myAccountId
  }

  get deviceId(): string {
    return this.engine.myDeviceId
  }

  get displayName(): string | undefined {
    return this.engine.meta.displayName
  }

  get username(): string | undefined {
    return this.engine.meta.username
  }

  async whoami(): Promise<{ accountId: string; deviceId: string; displayName?: string; username?: string }> {
    return {
      accountId: this.accountId,
      deviceId: this.deviceId,
      displayName: this.engine.meta.displayName,
      username: this.engine.meta.username,
    }
  }

  // ── account ──────────────────────────────────────────────────────────

  async register(
    options: { displayName?: string } = {},
  ): Promise<{ recoveryPhrase: string; accountId: string }> {
    const result = await register(this.engine)
    if (options.displayName) await setDisplayName(this.engine, options.displayName)
    return result
  }

  async restore(recoveryPhrase: string): Promise<void> {
    await restore(this.engine, recoveryPhrase)
  }

  async claimUsername(username: string): Promise<void> {
    await this.engine.api.call("claimUsername", { body: { username } })
    const batch = new Batch()
    this.engine.updateMeta(batch, (meta) => ({ ...meta, username }))
    await this.engine.apply(batch)
  }

  setDisplayName(displayName: string): Promise<void> {
    return setDisplayName(this.engine, displayName)
  }

  profileOf(accountId: string): Promise<{ displayName: string } | undefined> {
    return profileOf(this.engine, accountId)
  }

  /** Deletes the account at the server ([H7]) and everything this store holds. */
  async deleteAccount(): Promise<void> {
    await this.engine.api.call("deleteAccount")
    await this.close()
    const keys = await this.engine.store.list("")
    await this.engine.store.batch(keys.map((e) => ({ kind: "delete" as const, key: e.key })))
    this.engine.identity = undefined
    await this.engine.load()
  }

  // ── connection ───────────────────────────────────────────────────────

  /** Connects both sockets (the authenticated mailbox and the anonymous sealed-send one). */
  async connect(): Promise<void> {
    const engine = this.engine
    engine.me()
    const WebSocket = engine.options.webSocket
    if (!WebSocket)
      throw new KithError(ErrorCode.Network, "no WebSocket here: pass `webSocket` to KithClient.open")
    if (engine.authSocket) return
    engine.closed = false
    this.resetCaughtUp()
    engine.authSocket = new FrameSocket({
      serverUrl: engine.options.serverUrl,
      WebSocket,
      clock: engine.clock,
      sessionToken: (refresh) => engine.session.current(refresh),
      onEntry: (entry) => this.mailbox.push(entry),
      onCaughtUp: () => this.markCaughtUp(),
      onStatus: (online) => {
        engine.events.emit({ type: "connection", online })
        if (!online) return this.resetCaughtUp()
        engine.background.start(() => engine.outbox.flush())
        engine.background.start(() => topUpKeyPackages(engine))
      },
    })
    engine.sealedSocket = new FrameSocket({
      serverUrl: engine.options.serverUrl,
      WebSocket,
      clock: engine.clock,
      onStatus: (online) => {
        if (online) engine.background.start(() => engine.outbox.flush())
      },
    })
    engine.authSocket.start()
    engine.sealedSocket.start()
    engine.background.start(() => pruneSeenDigests(engine))
    const timer = new AbortController()
    const timedOut = engine.clock.sleep(CONNECT_TIMEOUT_MS, timer.signal).then(() => {
      throw new KithError(ErrorCode.Network, "could not reach the server")
    })
    try {
      await Promise.race([
        Promise.all([engine.authSocket.whenReady(), engine.sealedSocket.whenReady()]),
        timedOut,
      ])
    } finally {
      timer.abort()
    }
  }

  private resetCaughtUp(): void {
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve))
  }

  /** Resolves once the mailbox backlog is in and everything received so far is processed. */
  async sync(): Promise<void> {
    const socket = this.engine.authSocket
    if (!socket) throw new KithError(ErrorCode.Network, "not connected: call connect() first")
    await socket.whenReady()
    await this.caughtUp
    await socket.request({ case: "ping", value: {} as never })
    do {
      await this.mailbox.idle()
      await this.engine.background.idle()
      await this.engine.outbox.flush()
    } while (this.engine.background.size > 0)
  }

  async close(): Promise<void> {
    const engine = this.engine
    engine.closed = true
    engine.groups.wakeAll()
    const sockets = [engine.authSocket, engine.sealedSocket]
    engine.authSocket = undefined
    engine.sealedSocket = undefined
    await Promise.all(sockets.map((s) => s?.stop()))
    await this.mailbox.idle()
    await engine.background.idle()
  }

  // ── events ───────────────────────────────────────────────────────────

  on(listener: KithEventListener): () => void {
    return this.engine.events.on(listener)
  }

  events(): AsyncIterableIterator<KithEvent> {
    return this.engine.events.iterate()
  }

  [Symbol.asyncIterator](): AsyncIterator<KithEvent> {
    return this.events()
  }

  // ── friends ──────────────────────────────────────────────────────────

  /** Sends a friend request; the request is the direct conversation it created. */
  async sendFriendRequest(
    username: string,
    greeting?: string,
  ): Promise<{ conversationId: string; accountId: string }> {
    const conversationId = await sendFriendRequest(this.engine, username, greeting)
    return { conversationId, accountId: this.engine.conversations.get(conversationId)!.peer! }
  }

  async friendRequests(): Promise<FriendRequestView[]> {
    return friendRequests(this.engine)
  }

  acceptFriendRequest(id: string): Promise<void> {
    return acceptFriendRequest(this.engine, id)
  }

  declineFriendRequest(id: string): Promise<void> {
    return declineFriendRequest(this.engine, id)
  }

  async friends(): Promise<FriendView[]> {
    return this.engine.contacts
      .all()
      .filter((c) => c.friend)
      .map((c) => ({
        accountId: c.accountId,
        displayName: c.displayName,
        username: c.username,
        verified: c.verified,
        conversationId: c.directConversationId,
      }))
  }

  /** Signal-style 60-digit safety number for this account and another, the same on both sides. */
  async safetyNumber(accountId: string): Promise<string> {
    const contact = this.engine.contacts.get(accountId)
    if (!contact) await pinAccount(this.engine, accountId)
    const pinned = this.engine.contacts.get(accountId)!
    const me = this.engine.me()
    return safetyNumber(
      { accountId: this.accountId, accountPublicKey: me.account.publicKey },
      { accountId, accountPublicKey: b64(pinned.accountPublicKey) },
    )
  }

  async markVerified(accountId: string): Promise<void> {
    const contact = this.engine.contacts.get(accountId)
    if (!contact) throw new KithError(ErrorCode.NotFound, "unknown account")
    const batch = new Batch()
    this.engine.contacts.update(batch, accountId, (c) => c && { ...c, verified: true })
    await this.engine.apply(batch)
  }

  // ── conversations ────────────────────────────────────────────────────

  async conversations(): Promise<ConversationView[]> {
    const views: ConversationView[] = []
    for (const record of this.engine.conversations.all()) {
      if (record.kind === "unknown") continue
      views.push(await conversationView(this.engine, record))
    }
    const activity = (v: ConversationView) => v.lastMessage?.receivedAtMs ?? 0
    return views.sort((a, b) => activity(b) - activity(a))
  }

  async conversation(conversationId: string): Promise<ConversationView> {
    const record = this.engine.conversations.get(conversationId)
    if (!record) throw new KithError(ErrorCode.NoSuchConversation, "no such conversation")
    return conversationView(this.engine, record)
  }

  async messages(conversationId: string): Promise<MessageView[]> {
    if (!this.engine.conversations.get(conversationId)) {
      throw new KithError(ErrorCode.NoSuchConversation, "no such conversation")
    }
    return (await listMessages(this.engine.store, conversationId)).map((m) => toView(conversationId, m))
  }

  async sendText(
    conversationId: string,
    body: string,
    options: { replyTo?: string } = {},
  ): Promise<MessageView> {
    const status = this.engine.conversations.get(conversationId)?.status
    if (status === "incoming-request" || status === "outgoing-request" || status === "declined") {
      throw new KithError(ErrorCode.NotAFriend, "the friend request has not been accepted")
    }
    if (status !== "active")
      throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
    const replyTo = options.replyTo === undefined ? new Uint8Array() : fromBase64Url(options.replyTo)
    if (!replyTo) throw new KithError(ErrorCode.BadRequest, "replyTo is not a message id")
    const sent = await sendContent(this.engine, conversationId, {
      case: "text",
      value: create(pb.TextSchema, { body, replyTo }),
    })
    return toView(conversationId, sent.record!)
  }

  /** [E1] Withdraws one of this account's messages, within Limits.recallWindowMs of sending it. */
  async recall(conversationId: string, messageId: string): Promise<void> {
    const message = await findMessage(this.engine.store, conversationId, messageId)
    if (!message || message.senderAccountId !== this.accountId) {
      throw new KithError(ErrorCode.NotFound, "no message of this account with that id")
    }
    if (this.engine.clock.now() - message.sentAtMs > Limits.recallWindowMs) {
      throw new KithError(ErrorCode.RecallExpired, "messages can be recalled only within two minutes")
    }
    await sendContent(
      this.engine,
      conversationId,
      { case: "recall", value: create(pb.RecallSchema, { messageId: b64(messageId) }) },
      (_conversation, _sent, batch) => {
        putMessage(batch, conversationId, { ...message, recalled: true, body: "" })
        batch.emit({ type: "recalled", conversationId, messageId, byAccountId: this.accountId })
      },
    )
  }

  /**
   * Marks messages read here and, unless `sendReceipt` is false, tells the
   * other members and this account's other devices (a ReadReceipt).
   */
  async markRead(
    conversationId: string,
    messageIds: string[],
    options: { sendReceipt?: boolean } = {},
  ): Promise<void> {
    const found: MessageRecord[] = []
    for (const id of new Set(messageIds)) {
      const message = await findMessage(this.engine.store, conversationId, id)
      if (message && !message.outgoing && !message.recalled && message.kind === "text") found.push(message)
    }
    if (found.length === 0) return
    if (options.sendReceipt === false) {
      return this.engine.groups.lock(conversationId, async () => {
        const batch = new Batch()
        const conversation = this.engine.conversations.get(conversationId)!
        const ids = new Set(found.map((m) => m.id))
        conversation.unread = conversation.unread.filter((u) => !ids.has(u))
        for (const m of found) putMessage(batch, conversationId, { ...m, read: true })
        this.engine.conversations.set(batch, conversation)
        await this.engine.apply(batch)
      })
    }
    await sendContent(
      this.engine,
      conversationId,
      {
        case: "readReceipt",
        value: create(pb.ReadReceiptSchema, { messageIds: found.map((m) => b64(m.id)) }),
      },
      (conversation, _sent, batch) => {
        const ids = new Set(found.map((m) => m.id))
        conversation.unread = conversation.unread.filter((u) => !ids.has(u))
        for (const m of found) putMessage(batch, conversationId, { ...m, read: true })
      },
    )
  }

  createGroup(name: string, accountIds: string[]): Promise<ConversationView> {
    return createGroup(this.engine, name, accountIds)
  }

  addMembers(conversationId: string, accountIds: string[]): Promise<void> {
    return addMembers(this.engine, conversationId, accountIds)
  }

  removeMembers(conversationId: string, accountIds: string[]): Promise<void> {
    return removeMembers(this.engine, conversationId, accountIds)
  }

  renameGroup(conversationId: string, name: string): Promise<void> {
    return renameGroup(this.engine, conversationId, name)
  }

  setAdmin(conversationId: string, accountId: string, admin: boolean): Promise<void> {
    return setAdmin(this.engine, conversationId, accountId, admin)
  }

  leaveGroup(conversationId: string): Promise<void> {
    return leaveGroup(this.engine, conversationId)
  }

  // ── devices ──────────────────────────────────────────────────────────

  /** Shows a code (as text or QR) for a new device; `done` resolves once that device is in every conversation. */
  createLinkCode(): Promise<{ code: string; done: Promise<void> }> {
    return createLinkCode(this.engine)
  }

  devices(): Promise<DeviceView[]> {
    return listDevices(this.engine)
  }

  removeDevice(deviceId: string): Promise<void> {
    return removeDevice(this.engine, deviceId)
  }

  /** A display name for an account from what this device knows locally. */
  nameOf(accountId: string): string | undefined {
    return nameOf(this.engine, accountId)
  }

  /** @internal Tests reach the engine to act as a misbehaving member. */
  get internals(): Engine {
    return this.engine
  }
}
