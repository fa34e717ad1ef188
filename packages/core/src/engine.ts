import { bytesEqual, ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import type { ClientConfig } from "ts-mls"
import type { Batch } from "./batch"
import { ContactBook } from "./contacts"
import { ConversationBook } from "./conversation"
import { kithAuthService, type LeafIdentity } from "./credential"
import { ExpiryTimer } from "./disappearing"
import { EventHub } from "./events"
import { GroupStates } from "./groupStates"
import { identityFromRecord, type Identity } from "./identity"
import type { KeyPackagePolicy } from "./keyPackages"
import { clientConfigWith, type GroupState } from "./mlsGroup"
import { Mailbox } from "./mailbox"
import { KeyedMutex, TaskSet } from "./mutex"
import { Outbox } from "./outbox"
import { DeliveryReceipts } from "./deliveryReceipts"
import { decodeRecord } from "./records"
import type { Clock, RandomBytes } from "./runtime"
import { ServerApi } from "./serverApi"
import { Session } from "./session"
import type { FrameSocket, WebSocketConstructor } from "./socket"
import type { Store } from "./store"

export interface EngineOptions {
  serverUrl: string
  store: Store
  webSocket: WebSocketConstructor | undefined
  clock: Clock
  random: RandomBytes
  keyPackages: KeyPackagePolicy
  /** Welcomes into groups of more devices than this leave the ratchet tree out (ratchetTreeTransfer.ts). */
  inlineTreeMaxDevices: number
  /** How long the anonymous socket may be silent before it pings (connection.ts). */
  sealedKeepAliveMs: number
}

/** Small facts about this account that are not keys. */
export interface MetaRecord {
  displayName?: string
  username?: string
  selfConversationId?: string
  /** This account's devices seen so far (a new one is announced once). */
  ownDevices?: string[]
  /** Accounts blocked on this device (blocking.ts); never sent to the server. */
  blocked?: string[]
}

export const IDENTITY_KEY = "identity"
export const META_KEY = "meta"

/** A commit whose fate is unknown (the connection dropped before the answer): applied if it comes back to us. */
export interface PendingEcho {
  groupId: string
  fromEpoch: bigint
  apply: (batch: Batch) => GroupState
}

/**
 * The shared state of one client: its identity, its caches over the store,
 * its server connections, and its event hub. The modules that do the work
 * (mailbox, commits, friends, linking, …) are functions over an Engine; the
 * KithClient facade wires them together.
 */
export class Engine {
  readonly events = new EventHub()
  readonly background: TaskSet
  readonly config: ClientConfig
  readonly anonymousApi: ServerApi
  readonly api: ServerApi
  readonly session: Session
  readonly pendingEchoes = new Map<string, PendingEcho>()
  readonly outbox: Outbox
  readonly deliveryReceipts: DeliveryReceipts
  readonly mailbox: Mailbox
  readonly expiry: ExpiryTimer
  private readonly writes = new KeyedMutex()
  identity: Identity | undefined
  meta: MetaRecord = {}
  contacts = new ContactBook()
  conversations = new ConversationBook()
  readonly groups: GroupStates
  authSocket: FrameSocket | undefined
  sealedSocket: FrameSocket | undefined
  closed = false

  private constructor(readonly options: EngineOptions) {
    this.background = new TaskSet((error) => this.backgroundFailed(error))
    this.config = clientConfigWith(kithAuthService((leaf) => this.acceptAccountKey(leaf)))
    this.anonymousApi = new ServerApi(options.serverUrl.replace(/\/+$/, ""))
    this.session = new Session(this.anonymousApi, () => this.me())
    this.api = this.anonymousApi.withSession((refresh) => this.session.current(refresh))
    this.groups = new GroupStates(options.store, this.config)
    this.outbox = new Outbox(this)
    this.deliveryReceipts = new DeliveryReceipts(this)
    this.mailbox = new Mailbox(this)
    this.expiry = new ExpiryTimer(this)
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options)
    await engine.load()
    return engine
  }

  async load(): Promise<void> {
    const store = this.options.store
    const identity = await store.get(IDENTITY_KEY)
    this.identity = identity && identityFromRecord(decodeRecord(identity))
    const meta = await store.get(META_KEY)
    this.meta = meta ? decodeRecord<MetaRecord>(meta) : {}
    this.contacts = await ContactBook.load(store)
    this.conversations = await ConversationBook.load(store)
    this.groups.clear()
  }

  get store(): Store {
    return this.options.store
  }
  get clock(): Clock {
    return this.options.clock
  }
  get random(): RandomBytes {
    return this.options.random
  }

  me(): Identity {
    if (!this.identity) throw new KithError(ErrorCode.NotRegistered, "this device has no account yet")
    return this.identity
  }

  get myAccountId(): string {
    return toBase64Url(this.me().accountId)
  }

  get myDeviceId(): string {
    return toBase64Url(this.me().deviceId)
  }

  newId(): Uint8Array {
    return this.random(16)
  }

  /** The delivery token for an account's devices: ours, or one a friend or fellow member shared. */
  tokenOf(accountId: string): string | undefined {
    if (accountId === this.myAccountId) return toBase64Url(this.me().deliveryToken)
    return this.contacts.get(accountId)?.deliveryToken
  }

  /** The meta record as it will be once `batch` is applied. */
  metaIn(batch: Batch): MetaRecord {
    return batch.peek(META_KEY, () => this.meta) ?? this.meta
  }

  /** Changes the meta record when `batch` is applied, from its latest value. */
  updateMeta(batch: Batch, change: (meta: MetaRecord) => MetaRecord): void {
    batch.patch<MetaRecord>(
      META_KEY,
      () => this.meta,
      (current) => change(current ?? {}),
      (meta) => (this.meta = meta),
    )
  }

  /**
   * Stores a batch atomically, then updates caches, emits its events and
   * starts its follow-ups. Applies run one at a time, so shared records
   * (contacts, meta) are patched from their latest values.
   */
  async apply(batch: Batch): Promise<void> {
    await this.writes.run("apply", async () => {
      const ops = [...batch.ops, ...batch.resolvePatches()]
      if (ops.length > 0) await this.store.batch(ops)
      for (const effect of batch.effects) effect()
    })
    for (const event of batch.events) this.events.emit(event)
    for (const task of batch.followUps) this.background.start(task)
    // A disappearing message was stored: the expiry timer may need to fire sooner.
    if (batch.ops.some((op) => op.kind === "put" && op.key.startsWith("exp/")))
      this.background.start(() => this.expiry.wake())
  }

  /** [C3] A leaf's account key must be the pinned one (this account's own, or a contact's). */
  private acceptAccountKey(leaf: LeafIdentity): boolean {
    const identity = this.identity
    const ok =
      identity && leaf.accountId === toBase64Url(identity.accountId)
        ? bytesEqual(leaf.accountPublicKey, identity.account.publicKey)
        : this.contacts.checkKey(leaf.accountId, leaf.accountPublicKey) !== "mismatch"
    if (!ok)
      this.events.emit({
        type: "untrusted-device",
        accountId: leaf.accountId,
        deviceId: leaf.deviceId,
        reason: "account-key-changed",
      })
    return ok
  }

  private backgroundFailed(error: unknown): void {
    if (this.closed) return
    const code = error instanceof KithError ? error.code : ErrorCode.Internal
    this.events.emit({ type: "error", code, message: error instanceof Error ? error.message : String(error) })
  }
}
