import type { Batch } from "./batch"
import { decodeRecord } from "./records"
import type { Store } from "./store"
import type { ConversationKind, ConversationStatus } from "./views"

/**
 * A conversation as this device knows it: the MLS group's end-to-end state
 * that MLS itself does not carry (kind, name, admins — never on the server)
 * plus local bookkeeping. Members come from the group's ratchet tree.
 */
export interface ConversationRecord {
  id: string
  /** "unknown" between a Welcome and the snapshot or friend request that follows it. */
  kind: ConversationKind | "unknown"
  status: ConversationStatus
  name: string
  admins: string[]
  /** Direct conversations: the other account. */
  peer?: string
  /** Accounts that asked to leave (Remove proposals for their own leaves) and are still in the tree. */
  leaving: string[]
  greeting?: string
  createdAtMs: number
  /** Next message order number (messages are stored in arrival order). */
  nextOrder: number
  unread: string[]
  lastMessageOrder?: number
  /** Whether this device has told the group its profile (MemberInfo) or the group knew it already. */
  announced: boolean
  /** Disappearing messages: the timer this device applies to what it sends here (absent or 0: off). */
  timerMs?: number
}

export const conversationKey = (id: string) => `conv/${id}`

export function newConversation(
  id: string,
  fields: Partial<ConversationRecord> & Pick<ConversationRecord, "kind" | "status">,
  nowMs: number,
): ConversationRecord {
  return {
    id,
    name: "",
    admins: [],
    leaving: [],
    createdAtMs: nowMs,
    nextOrder: 0,
    unread: [],
    announced: false,
    ...fields,
  }
}

/** The conversations of this device, cached in memory and written through batches. */
export class ConversationBook {
  private readonly records = new Map<string, ConversationRecord>()

  static async load(store: Store): Promise<ConversationBook> {
    const book = new ConversationBook()
    for (const entry of await store.list("conv/")) {
      const record = decodeRecord<ConversationRecord>(entry.value)
      book.records.set(record.id, record)
    }
    return book
  }

  get(id: string): ConversationRecord | undefined {
    const record = this.records.get(id)
    return record && structuredClone(record)
  }

  all(): ConversationRecord[] {
    return [...this.records.values()].map((r) => structuredClone(r))
  }

  set(batch: Batch, record: ConversationRecord): void {
    const copy = structuredClone(record)
    batch.put(conversationKey(record.id), copy)
    batch.onStored(() => this.records.set(copy.id, copy))
  }

  /** Forgets a conversation entirely (one whose first commit never went out). */
  remove(batch: Batch, id: string): void {
    batch.delete(conversationKey(id))
    batch.onStored(() => this.records.delete(id))
  }

  clear(): void {
    this.records.clear()
  }
}
