import { ErrorCode, KithError } from "@kith/protocol"
import { Batch } from "./batch"
import { blockedAccounts, setBlocked } from "./blocking"
import { Connection, SEALED_KEEP_ALIVE_MS } from "./connection"
import { deleteForMe } from "./deleteForMe"
import { setDisappearingTimer, sweepExpired } from "./disappearing"
import { conversationView, nameOf } from "./conversationView"
import { listDevices, removeDevice } from "./devices"
import { Engine, type EngineOptions } from "./engine"
import { INLINE_TREE_MAX_DEVICES } from "./ratchetTreeTransfer"
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
import { createLinkCode, joinWithLinkCode } from "./linking"
import { listMessages, toView } from "./messageLog"
import { markRead, recall, sendText } from "./messaging"
import { outboxStates } from "./outbox"
import { unreachableStates } from "./unreachable"
import { resend } from "./resend"
import { report, reportPreview, type ReportedMessage, type ReportReason } from "./report"
import {
  abandonUpload,
  downloadAttachment,
  forwardAttachment,
  markPlayed,
  sendAttachment,
  type AttachmentInput,
  type SendAttachmentOptions,
  type UploadResume,
} from "./attachments/sendAttachment"
import type { DownloadOptions } from "./attachments/download"
import { cachedAvatar, profileOf, setAvatar, setDisplayName, type ProfileView } from "./profile"
import { b64 } from "./records"
import { register, restore } from "./registration"
import { secureRandom, systemClock, type Clock, type RandomBytes } from "./runtime"
import { safetyNumber } from "./safetyNumber"
import type { WebSocketConstructor } from "./socket"
import type { Store } from "./store"
import type {
  AttachmentView,
  ConversationView,
  DeviceView,
  FriendRequestView,
  FriendView,
  MessageView,
} from "./views"

export interface KithClientOptions {
  serverUrl: string
  store: Store
  /** A WebSocket constructor; defaults to the global one (browsers). Node passes `nodeWebSocket` from @kith/core/node. */
  webSocket?: WebSocketConstructor
  clock?: Clock
  random?: RandomBytes
  /** How many one-time key packages to keep at the server (tests use fewer). */
  keyPackages?: KeyPackagePolicy
  /**
   * Welcomes into groups of more devices than this leave the ratchet tree out
   * and store it sealed at the server (default 16; tests set 0 to send every
   * tree that way).
   */
  inlineTreeMaxDevices?: number
  /**
   * How long the anonymous socket for sealed sends may be silent before it
   * sends a Ping (default 60 s, half the server's 2-minute deadline for
   * unauthenticated sockets; tests set less).
   */
  sealedKeepAliveMs?: number
}

/**
 * Kith's client engine behind one small facade: the CLI and the web app call
 * only this. Everything it returns uses base64url identifiers; everything it
 * learns arrives as events (`on`, or `for await (const e of client)`).
 */
export class KithClient implements AsyncIterable<KithEvent> {
  private readonly connection: Connection

  private constructor(private readonly engine: Engine) {
    this.connection = new Connection(engine)
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
      inlineTreeMaxDevices: options.inlineTreeMaxDevices ?? INLINE_TREE_MAX_DEVICES,
      sealedKeepAliveMs: options.sealedKeepAliveMs ?? SEALED_KEEP_ALIVE_MS,
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

  /** Fetches and decrypts an account's profile (name and picture) and remembers it on this device. */
  profileOf(accountId: string): Promise<ProfileView | undefined> {
    return profileOf(this.engine, accountId)
  }

  /** Sets this account's picture (a small JPEG or WebP, encoded again on the device); undefined removes it. */
  setAvatar(avatar: Uint8Array | undefined): Promise<void> {
    return setAvatar(this.engine, avatar)
  }

  /** The picture last fetched for an account (or this account's own), without asking the server. */
  avatarOf(accountId: string): Promise<Uint8Array | undefined> {
    return cachedAvatar(this.engine, accountId)
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
  connect(): Promise<void> {
    return this.connection.connect()
  }

  /** Resolves once the mailbox backlog is in and everything received so far is processed. */
  sync(): Promise<void> {
    return this.connection.sync()
  }

  close(): Promise<void> {
    return this.connection.close()
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
    const outbox = await outboxStates(this.engine, conversationId)
    const unreachable = await unreachableStates(this.engine, conversationId)
    return (await listMessages(this.engine.store, conversationId)).map((m) => {
      const view = toView(conversationId, m, outbox.get(m.id))
      const missed = unreachable.get(m.id)
      return missed ? { ...view, unreachable: missed } : view
    })
  }

  /** Sends again a message the server refused (its view's `outbox` is "failed"). */
  resend(conversationId: string, messageId: string): Promise<MessageView> {
    return resend(this.engine, conversationId, messageId)
  }

  sendText(conversationId: string, body: string, options: { replyTo?: string } = {}): Promise<MessageView> {
    return sendText(this.engine, conversationId, body, options.replyTo)
  }

  /**
   * Encrypts and uploads a photo, file or voice message, then sends it.
   * `onProgress` reports the upload; aborting `signal` pauses it, and
   * `resume` (what `onResumable` was told) continues a paused or failed one.
   */
  sendAttachment(
    conversationId: string,
    input: AttachmentInput,
    options: SendAttachmentOptions = {},
  ): Promise<MessageView> {
    return sendAttachment(this.engine, conversationId, input, options)
  }

  /** Gives up a paused or failed upload (what `onResumable` was told): the server deletes what it holds. */
  abandonUpload(resume: UploadResume): Promise<void> {
    return abandonUpload(this.engine, resume)
  }

  /** Sends a received or sent attachment to another conversation without uploading it again. */
  forwardAttachment(
    fromConversationId: string,
    messageId: string,
    toConversationId: string,
  ): Promise<MessageView> {
    return forwardAttachment(this.engine, fromConversationId, messageId, toConversationId)
  }

  /**
   * Downloads and decrypts an attachment as a stream of plaintext chunks.
   * Fails with KITH_ERR_DECRYPT ("could not decrypt") if the blob was
   * altered, cut short or the key is wrong; only a stream read to its end is
   * the whole, authentic file.
   */
  downloadAttachment(attachment: AttachmentView, options: DownloadOptions = {}): AsyncGenerator<Uint8Array> {
    return downloadAttachment(this.engine, attachment, options)
  }

  /** Marks a voice message played on this device. */
  markPlayed(conversationId: string, messageId: string): Promise<void> {
    return markPlayed(this.engine, conversationId, messageId)
  }

  /**
   * Sets the conversation's disappearing-messages timer for every member
   * (one of Limits.disappearingTimersMs; 0 turns it off). Messages sent
   * afterwards are deleted on every device that long after arriving.
   */
  setDisappearingTimer(conversationId: string, timerMs: number): Promise<void> {
    return setDisappearingTimer(this.engine, conversationId, timerMs)
  }

  /**
   * Exactly what reporting these messages would send to the server's
   * operator (their plaintext, senders, times): what a consent dialog shows.
   */
  reportPreview(conversationId: string, messageIds: string[]): Promise<ReportedMessage[]> {
    return reportPreview(this.engine, conversationId, messageIds)
  }

  /**
   * Reports the chosen messages to the server's operator — the one way
   * plaintext leaves the device for anyone but the chat, so call it only
   * after the user confirmed `reportPreview`'s content. Returns the report id.
   */
  report(conversationId: string, messageIds: string[], reason: ReportReason): Promise<string> {
    return report(this.engine, conversationId, messageIds, reason)
  }

  /** "Delete for me": the messages' plaintext leaves this device's store; nobody is told. */
  deleteForMe(conversationId: string, messageIds: string[]): Promise<void> {
    return deleteForMe(this.engine, conversationId, messageIds)
  }

  /** Deletes disappearing messages that are due now (the client also does so on its own timer). */
  expireMessages(): Promise<void> {
    return sweepExpired(this.engine)
  }

  /**
   * Blocks (or unblocks) an account on this device: its friend requests,
   * messages and profile updates are dropped on arrival, silently. The
   * server is not told.
   */
  setBlocked(accountId: string, blocked: boolean): Promise<void> {
    return setBlocked(this.engine, accountId, blocked)
  }

  blockedAccounts(): string[] {
    return blockedAccounts(this.engine)
  }

  /** [E1] Withdraws one of this account's messages, within Limits.recallWindowMs of sending it. */
  recall(conversationId: string, messageId: string): Promise<void> {
    return recall(this.engine, conversationId, messageId)
  }

  /**
   * Marks messages read here and, unless `sendReceipt` is false, tells the
   * other members and this account's other devices (a ReadReceipt).
   */
  markRead(
    conversationId: string,
    messageIds: string[],
    options: { sendReceipt?: boolean } = {},
  ): Promise<void> {
    return markRead(this.engine, conversationId, messageIds, options.sendReceipt !== false)
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
