import { KithClient } from "@kith/core"
import { DATABASE_NAME, KithDatabase } from "../storage/database"
import { createDataKey, openDataKey, vaultState } from "../storage/keyVault"
import { SealedStore } from "../storage/sealedStore"

/**
 * Opening Kith in this browser: the IndexedDB database, the data key (asking
 * for the app-lock passcode if one is set), the two sealed stores, and the
 * engine on top. Nothing is decrypted before the data key is open.
 */
export interface OpenedStorage {
  db: KithDatabase
  engineStore: SealedStore
  appStore: SealedStore
}

export type StorageStatus = { kind: "new" } | { kind: "locked" } | { kind: "open"; storage: OpenedStorage }

export function openDatabase(): KithDatabase {
  return new KithDatabase(DATABASE_NAME)
}

/** Opens the stores when no passcode is needed; says "new" on first run and "locked" under app lock. */
export async function openStorage(db: KithDatabase): Promise<StorageStatus> {
  const state = await vaultState(db)
  if (state === "empty") return { kind: "new" }
  if (state === "needs-passcode") return { kind: "locked" }
  return { kind: "open", storage: storesWith(db, await openDataKey(db)) }
}

/** Opens the stores with the app-lock passcode; throws KITH_ERR_FORBIDDEN for a wrong one. */
export async function unlockStorage(db: KithDatabase, passcode: string): Promise<OpenedStorage> {
  return storesWith(db, await openDataKey(db, passcode))
}

/** First run: creates the data key. */
export async function createStorage(db: KithDatabase): Promise<OpenedStorage> {
  return storesWith(db, await createDataKey(db))
}

function storesWith(db: KithDatabase, dataKey: CryptoKey): OpenedStorage {
  return {
    db,
    engineStore: new SealedStore(db, "engine", dataKey),
    appStore: new SealedStore(db, "app", dataKey),
  }
}

export async function openClient(serverUrl: string, storage: OpenedStorage): Promise<KithClient> {
  return KithClient.open({ serverUrl, store: storage.engineStore })
}

/** Wipes everything Kith keeps in this browser (after account deletion). */
export async function wipeBrowserData(db: KithDatabase): Promise<void> {
  db.close()
  await KithDatabase.delete(DATABASE_NAME)
  for (const key of await caches.keys()) if (key.startsWith("kith-")) await caches.delete(key)
}
