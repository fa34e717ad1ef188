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

  /** The contact as stored, or as it will be once `batch` (if given) is applied. */
  get(accountId: string, batch?: Batch): ContactRecord | undefined {
    const read = () => {
      const record = this.records.get(accountId)
      return record && structuredClone(record)
    }
    return batch ? batch.peek(contactKey(accountId), read) : read()
  }

  all(): ContactRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r))
  }

  checkKey(accountId: string, accountPublicKey: Uint8Array): PinCheck {
    const record = this.records.get(accountId)
    if (!record) return "unknown"
    return bytesEqual(b64(record.accountPublicKey), accountPublicKey) ? "match" : "mismatch"
  }

  /**
   * Changes a contact when `batch` is applied, from its latest value (never a
   * stale copy): `change` gets the current record (or undefined) and returns
   * the new one (or undefined to leave it).
   */
  update(
    batch: Batch,
    accountId: string,
    change: (current: ContactRecord | undefined) => ContactRecord | undefined,
  ): void {
    batch.patch<ContactRecord>(
      contactKey(accountId),
      () => {
        const record = this.records.get(accountId)
        return record && structuredClone(record)
      },
      (current) => {
        const next = change(current && structuredClone(current))
        return next && structuredClone(next)
      },
      (value) => this.records.set(accountId, value),
    )
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
