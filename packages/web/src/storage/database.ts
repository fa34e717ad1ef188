import { Dexie, type Table } from "dexie"

/** One encrypted value: AES-GCM ciphertext bound to its key by the associated data. */
export interface SealedRow {
  key: string
  iv: Uint8Array
  data: Uint8Array
}

/** How the data key is kept at rest; see keyVault.ts. */
export type VaultRow =
  | { name: "dataKey"; mode: "device"; wrapped: ArrayBuffer; wrappingKey: CryptoKey }
  | { name: "dataKey"; mode: "passcode"; wrapped: ArrayBuffer; salt: Uint8Array; iterations: number }

/**
 * Kith's IndexedDB database. `engine` holds the client engine's records,
 * `app` the web app's own (drafts, settings); both are sealed with the data
 * key. `vault` holds only the wrapped data key.
 */
export class KithDatabase extends Dexie {
  engine!: Table<SealedRow, string>
  app!: Table<SealedRow, string>
  vault!: Table<VaultRow, string>

  constructor(name: string) {
    super(name)
    this.version(1).stores({ engine: "&key", app: "&key", vault: "&name" })
  }
}

export const DATABASE_NAME = "kith"
