/**
 * The database as Kysely sees it. Every table and column here is listed, with
 * its reason and lifetime, in docs/data-inventory.md (a test holds them equal).
 *
 * Identifiers are base64url text so the same schema runs on SQLite and
 * PostgreSQL; bytes are `blob`/`bytea` (see columnTypes.ts); integers that can
 * outgrow 32 bits (times in ms, sequence numbers, epochs) are `bigint`.
 */
export interface Database {
  accounts: AccountsTable
  devices: DevicesTable
  key_packages: KeyPackagesTable
  ciphertexts: CiphertextsTable
  mailbox_entries: MailboxEntriesTable
  groups: GroupsTable
  server_secrets: ServerSecretsTable
  ratchet_trees: RatchetTreesTable
  reports: ReportsTable
}

export interface AccountsTable {
  id: string
  public_key: Uint8Array
  /** HMAC-SHA256(server username key, normalised username); never the name itself. */
  username_hash: Uint8Array | null
  /** Opaque ciphertext only the account's friends can decrypt. */
  profile: Uint8Array | null
  /** SHA-256 of the account's delivery token. */
  delivery_verifier: Uint8Array | null
}

export interface DevicesTable {
  /** Also the id of the device's mailbox. */
  id: string
  account_id: string
  public_key: Uint8Array
  certificate: Uint8Array
  /** Days since the Unix epoch: coarse on purpose. */
  last_seen_day: number
  /** The sequence number the next mailbox entry of this device gets. */
  next_seq: number
}

export interface KeyPackagesTable {
  id: string
  device_id: string
  data: Uint8Array
  /** 1 for the device's last-resort package (0 or 1 per device), 0 for one-time ones. */
  last_resort: number
}

export interface CiphertextsTable {
  id: string
  payload: Uint8Array
  /** How many mailbox entries still point here; the row goes when this reaches 0. */
  refs: number
  expires_at: number
}

export interface MailboxEntriesTable {
  device_id: string
  seq: number
  ciphertext_id: string
  expires_at: number
}

export interface GroupsTable {
  /** The opaque MLS group id, base64url. */
  group_id: string
  epoch: number
  last_active_day: number
}

/** A group's ratchet tree for its joiners, sealed under a key only members can derive. */
export interface RatchetTreesTable {
  /** Derived from the group's epoch secrets: unguessable, and unlinkable to the group id. */
  id: string
  ciphertext: Uint8Array
  expires_at: number
}

export interface ServerSecretsTable {
  name: string
  value: Uint8Array
}

/** Messages a user chose to report, with their plaintext (docs/data-inventory.md). */
export interface ReportsTable {
  id: string
  /** One of the protocol's report reasons. */
  reason: string
  /** The reported messages as JSON: sender account id, sent time, text, attachment kind and name. */
  messages: string
  expires_at: number
}
