import { ErrorCode, KithError } from "@kith/protocol"
import type { KithDatabase, VaultRow } from "./database"

/**
 * The data key that seals everything Kith keeps in IndexedDB. In use it is a
 * non-extractable AES-GCM key: page scripts can encrypt and decrypt with it but
 * never read it. At rest it is stored only wrapped (AES-KW):
 * - without app lock, by a non-extractable wrapping key kept in IndexedDB
 *   (protects against copying the data to another browser profile's export,
 *   and keeps one code path for both modes);
 * - with app lock, by a key derived from the passcode with PBKDF2-SHA-256, so
 *   nothing on disk opens the data without the passcode.
 * Changing the lock unwraps the key once as extractable to wrap it anew; the
 * stored data is never re-encrypted.
 */
export const PBKDF2_ITERATIONS = 600_000

const AES_GCM: AesKeyGenParams = { name: "AES-GCM", length: 256 }

export type VaultState = "empty" | "unlocked-by-device" | "needs-passcode"

export async function vaultState(db: KithDatabase): Promise<VaultState> {
  const row = await db.vault.get("dataKey")
  if (!row) return "empty"
  return row.mode === "device" ? "unlocked-by-device" : "needs-passcode"
}

/** Creates the data key (first run) and returns it, non-extractable. */
export async function createDataKey(db: KithDatabase): Promise<CryptoKey> {
  const dataKey = await crypto.subtle.generateKey(AES_GCM, true, ["encrypt", "decrypt"])
  await storeWithDeviceKey(db, dataKey)
  return openDataKey(db)
}

/** The data key, non-extractable; pass the passcode when app lock is on. */
export async function openDataKey(db: KithDatabase, passcode?: string): Promise<CryptoKey> {
  return unwrap(db, false, passcode)
}

export async function hasPasscode(db: KithDatabase): Promise<boolean> {
  return (await vaultState(db)) === "needs-passcode"
}

/** Turns app lock on, or changes the passcode (then `currentPasscode` is required). */
export async function setPasscode(
  db: KithDatabase,
  passcode: string,
  currentPasscode?: string,
): Promise<void> {
  const dataKey = await unwrap(db, true, currentPasscode)
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const wrappingKey = await passcodeKey(passcode, salt, PBKDF2_ITERATIONS)
  const wrapped = await crypto.subtle.wrapKey("raw", dataKey, wrappingKey, "AES-KW")
  await db.vault.put({ name: "dataKey", mode: "passcode", wrapped, salt, iterations: PBKDF2_ITERATIONS })
}

/** Turns app lock off. */
export async function removePasscode(db: KithDatabase, currentPasscode: string): Promise<void> {
  const dataKey = await unwrap(db, true, currentPasscode)
  await storeWithDeviceKey(db, dataKey)
}

async function storeWithDeviceKey(db: KithDatabase, dataKey: CryptoKey): Promise<void> {
  const wrappingKey = await crypto.subtle.generateKey({ name: "AES-KW", length: 256 }, false, [
    "wrapKey",
    "unwrapKey",
  ])
  const wrapped = await crypto.subtle.wrapKey("raw", dataKey, wrappingKey, "AES-KW")
  await db.vault.put({ name: "dataKey", mode: "device", wrapped, wrappingKey })
}

async function unwrap(db: KithDatabase, extractable: boolean, passcode?: string): Promise<CryptoKey> {
  const row: VaultRow | undefined = await db.vault.get("dataKey")
  if (!row) throw new KithError(ErrorCode.NotRegistered, "this browser holds no Kith data key")
  let wrappingKey: CryptoKey
  if (row.mode === "device") {
    wrappingKey = row.wrappingKey
  } else {
    if (passcode === undefined) throw new KithError(ErrorCode.Forbidden, "app lock: passcode required")
    wrappingKey = await passcodeKey(passcode, row.salt, row.iterations)
  }
  try {
    return await crypto.subtle.unwrapKey("raw", row.wrapped, wrappingKey, "AES-KW", AES_GCM, extractable, [
      "encrypt",
      "decrypt",
    ])
  } catch {
    // AES-KW's integrity check fails for a wrong passcode.
    throw new KithError(ErrorCode.Forbidden, "app lock: wrong passcode")
  }
}

async function passcodeKey(passcode: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passcode), "PBKDF2", false, [
    "deriveKey",
  ])
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    material,
    { name: "AES-KW", length: 256 },
    false,
    ["wrapKey", "unwrapKey"],
  )
}
