import { bytesEqual, toBase64Url } from "@kith/protocol"
import type { Batch } from "./batch"
import type { MemberProfile } from "./contentCodec"
import { b64, decodeRecord } from "./records"
import type { Store } from "./store"

/**
 * Every other account this device knows: its pinned account key ([C3]), the
 * secrets it shared end to end (delivery token, profile key), whether it is a
 * friend, and the devices seen for it (a new one is a warning).
 */
export interface ContactRecord {
  accountId: string
  /** base64url account public key, pinned the first time it was learned. */
  accountPublicKey: string
  deliveryToken?: string
  profileKey?: string
  friend: boolean
  verified: boolean
  devices: string[]
  displayName?: string
  username?: string
  directConversationId?: string
}

export const contactKey = (accountId: string) => `contact/${accountId}`

export type PinCheck = "unknown" | "match" | "mismatch"

export class ContactBook {
  private readonly records = new Map<string, ContactRecord>()

  static async load(store: Store): Promise<ContactBook> {
    const book = new ContactBook()
    for (const entry of await store.list("contact/")) {
      const record = decodeRecord<ContactRecord>(entry.value)
      book.records.set(record.accountId, record)
    }
    return book
  }

  /** The contact as stored, or as already written in `batch` if given. */
  get(accountId: string, batch?: Batch): ContactRecord | undefined {
    const record =
      (batch?.written.get(contactKey(accountId)) as ContactRecord | undefined) ?? this.records.get(accountId)
    return record && structuredClone(record)
  }

  all(): ContactRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r))
  }

  checkKey(accountId: string, accountPublicKey: Uint8Array): PinCheck {
    const record = this.records.get(accountId)
    if (!record) return "unknown"
    return bytesEqual(b64(record.accountPublicKey), accountPublicKey) ? "match" : "mismatch"
  }

  set(batch: Batch, record: ContactRecord): void {
    const copy = structuredClone(record)
    batch.put(contactKey(copy.accountId), copy)
    batch.onStored(() => this.records.set(copy.accountId, copy))
  }

  clear(): void {
    this.records.clear()
  }
}

/** A contact record for an account seen for the first time (its key is pinned from here on). */
export function newContact(accountId: string, accountPublicKey: Uint8Array): ContactRecord {
  return {
    accountId,
    accountPublicKey: toBase64Url(accountPublicKey),
    friend: false,
    verified: false,
    devices: [],
  }
}

/** Takes the secrets of a profile another member shared, if its account key is the pinned one. */
export function withProfile(record: ContactRecord, profile: MemberProfile): ContactRecord | undefined {
  if (!bytesEqual(b64(record.accountPublicKey), profile.accountPublicKey)) return undefined
  return {
    ...record,
    deliveryToken: toBase64Url(profile.deliveryToken),
    profileKey: toBase64Url(profile.profileKey),
  }
}
