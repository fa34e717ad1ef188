import type { RatchetTreeStore } from "./ratchetTreeStore"

/**
 * What the server keeps on disk, as interfaces: the HTTP and WebSocket layers
 * see only these, so a PostgreSQL adapter can stand in for SQLite. Ids are
 * base64url strings; bytes are Uint8Array; times are ms since the Unix epoch.
 */
export interface Store {
  accounts: AccountStore
  devices: DeviceStore
  keyPackages: KeyPackageStore
  mailboxes: MailboxStore
  secrets: SecretStore
  ratchetTrees: RatchetTreeStore
  reports: ReportStore
  /** Deletes expired mailbox entries and ciphertexts, idle groups and expired reports. */
  sweepExpired(nowMs: number): Promise<SweepResult>
  /** Throws if the database does not answer. */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface SweepResult {
  mailboxEntries: number
  ciphertexts: number
  groups: number
  reports: number
}

export interface AccountRecord {
  id: string
  publicKey: Uint8Array
  deliveryVerifier: Uint8Array | null
}

export interface AccountStore {
  /** "duplicateKey" when the public key is already registered. */
  create(id: string, publicKey: Uint8Array): Promise<"created" | "duplicateKey">
  get(id: string): Promise<AccountRecord | undefined>
  findByPublicKey(publicKey: Uint8Array): Promise<string | undefined>
  /**
   * Deletes every row of the account: the account, its devices, their key
   * packages and mailbox entries, and ciphertexts no other mailbox needs.
   * Returns the ids of the devices that were removed.
   */
  delete(id: string): Promise<string[]>
  /** Sets (or replaces) the account's username hash; "taken" if another account holds it. */
  setUsernameHash(id: string, hash: Uint8Array): Promise<"ok" | "taken">
  clearUsernameHash(id: string): Promise<void>
  findByUsernameHash(hash: Uint8Array): Promise<string | undefined>
  setProfile(id: string, ciphertext: Uint8Array): Promise<void>
  /** undefined when the account does not exist, null when it has no profile. */
  getProfile(id: string): Promise<Uint8Array | null | undefined>
  setDeliveryVerifier(id: string, verifier: Uint8Array): Promise<void>
}

export interface DeviceRecord {
  id: string
  accountId: string
  publicKey: Uint8Array
  certificate: Uint8Array
}

export interface NewDevice extends DeviceRecord {
  lastSeenDay: number
}

export interface DeviceStore {
  /** Adds a device (and so its empty mailbox) unless the id is taken or the account is full. */
  add(device: NewDevice, maxPerAccount: number): Promise<"created" | "duplicateId" | "tooMany">
  get(id: string): Promise<DeviceRecord | undefined>
  listByAccount(accountId: string): Promise<DeviceRecord[]>
  touchLastSeenDay(id: string, day: number): Promise<void>
  /** Deletes the device, its key packages and mailbox entries; false if it was not there. */
  remove(id: string): Promise<boolean>
}

export interface KeyPackageStore {
  /**
   * Adds one-time packages and replaces the last-resort one (if given), unless
   * the device would then hold more than `maxOneTime` one-time packages.
   */
  upload(
    deviceId: string,
    oneTime: Uint8Array[],
    lastResort: Uint8Array | undefined,
    maxOneTime: number,
  ): Promise<"ok" | "tooMany">
  count(deviceId: string): Promise<{ count: number; hasLastResort: boolean }>
  /**
   * For each device, atomically takes one one-time package, or else returns its
   * last-resort package (which stays). Devices with neither are left out.
   */
  claim(deviceIds: string[]): Promise<{ deviceId: string; keyPackage: Uint8Array }[]>
}

/** Where a recipient device's mailbox belongs, for checking delivery tokens. */
export interface RecipientInfo {
  accountId: string
  deliveryVerifier: Uint8Array | null
  /**
   * Entries queued in the mailbox, counted from the oldest one still there to
   * the newest (an acknowledgement out of order leaves a gap that still counts).
   */
  queued: number
}

/** One payload for a set of (known, de-duplicated) recipient devices. */
export interface StoredDelivery {
  payload: Uint8Array
  deviceIds: string[]
}

export interface DeliveryResult {
  /** Devices that got a mailbox entry. */
  delivered: string[]
  /** Recipients that are not (or no longer) devices. */
  unknown: string[]
  /** Mailbox entries stored. */
  entries: number
}

export type CommitResult =
  ({ kind: "accepted" } & DeliveryResult) | { kind: "conflict"; currentEpoch: number }

export interface MailboxEntry {
  seq: number
  payload: Uint8Array
}

export interface MailboxStore {
  lookupRecipients(deviceIds: string[]): Promise<Map<string, RecipientInfo>>
  /** Stores each payload once and one entry per recipient, all in one durable transaction. */
  deliver(deliveries: StoredDelivery[], expiresAtMs: number): Promise<DeliveryResult>
  /**
   * In one transaction: if the group is unknown or at `epoch`, moves it to
   * epoch + 1 and stores the deliveries; otherwise stores nothing.
   */
  submitCommit(
    groupId: string,
    epoch: number,
    deliveries: StoredDelivery[],
    expiresAtMs: number,
    today: number,
  ): Promise<CommitResult>
  /** The highest sequence number handed out so far for the device's mailbox (0 if none). */
  lastSeq(deviceId: string): Promise<number>
  /** Unexpired entries after `afterSeq`, in order, at most `limit`. */
  fetch(deviceId: string, afterSeq: number, limit: number, nowMs: number): Promise<MailboxEntry[]>
  /** Deletes those entries of this device's mailbox, and ciphertexts nobody needs any more. */
  ack(deviceId: string, seqs: number[]): Promise<number>
}

export interface SecretStore {
  /** The named secret, created with `generate` the first time it is asked for. */
  getOrCreate(name: string, generate: () => Uint8Array): Promise<Uint8Array>
}

/** A report as the operator reads it; `messages` is exactly what the reporter sent. */
export interface ReportRecord {
  id: string
  reason: string
  messages: unknown[]
  expiresAtMs: number
}

export interface ReportStore {
  add(report: ReportRecord): Promise<void>
  /** Every report not yet expired, oldest expiry first. */
  list(nowMs: number): Promise<ReportRecord[]>
}
