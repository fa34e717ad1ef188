import type { ConversationView, FriendRequestView, MessageView, UnreachableDevices } from "./views"

/**
 * Everything the engine tells its user interface, as one tagged union. Every
 * identifier is a base64url string.
 */
export type KithEvent =
  | { type: "message"; conversationId: string; message: MessageView }
  | { type: "recalled"; conversationId: string; messageId: string; byAccountId: string }
  | { type: "read"; conversationId: string; messageIds: string[]; byAccountId: string }
  | { type: "delivered"; conversationId: string; messageIds: string[]; byAccountId: string }
  /** Queued messages of this device reached the server (or were refused: `failed`). */
  | { type: "sent"; conversationId: string; messageIds: string[]; failed: boolean }
  | { type: "friend-request"; request: FriendRequestView }
  | { type: "friend-accepted"; accountId: string; conversationId: string }
  | { type: "conversation-added"; conversation: ConversationView }
  | { type: "member-added"; conversationId: string; accountId: string; deviceIds: string[] }
  | { type: "member-removed"; conversationId: string; accountId: string; deviceIds: string[] }
  | { type: "renamed"; conversationId: string; name: string; byAccountId: string }
  | { type: "admin-changed"; conversationId: string; accountId: string; admin: boolean; byAccountId: string }
  | { type: "removed-from-conversation"; conversationId: string }
  /** A new device appeared for a contact (or for this account): a warning worth showing. */
  | { type: "device-added"; accountId: string; deviceId: string; own: boolean; conversationId?: string }
  /**
   * A device was refused ([C3], [T9]): it named an account key other than the
   * one pinned for its account ("account-key-changed": the safety number would
   * change), or its certificate was not signed by the account key it names
   * ("not-certified").
   */
  | {
      type: "untrusted-device"
      accountId: string
      deviceId: string
      reason: "account-key-changed" | "not-certified"
    }
  /** A payload that could not be decrypted or was refused: recorded and shown, never dropped silently ([E4]). */
  | { type: "decrypt-failed"; conversationId?: string; reason: string; atMs: number }
  /** Messages whose plaintext this device deleted: disappearing messages that expired, or "Delete for me". */
  | { type: "deleted"; conversationId: string; messageIds: string[] }
  /** A conversation's disappearing-messages timer changed (0: off). */
  | { type: "timer-changed"; conversationId: string; timerMs: number; byAccountId: string }
  /**
   * The sender's ratchet skipped generations: `count` of their messages were
   * dropped on the way, or are late. Sent again as late ones arrive, with how
   * many are still missing (0: the gap closed and its line was removed).
   */
  | { type: "messages-missing"; conversationId: string; accountId: string; count: number }
  /**
   * The server stored this device's message for the rest of the conversation
   * but not for these devices: their mailbox is full ([D4]). `messageId` is
   * the message's (absent for control messages); the devices see the gap.
   */
  | {
      type: "recipients-unreachable"
      conversationId: string
      messageId?: string
      unreachable: UnreachableDevices[]
    }
  | { type: "connection"; online: boolean }
  /** Work the engine did on its own (a follow-up commit, a key package top-up) failed; it will retry when it can. */
  | { type: "error"; code: string; message: string }

export type KithEventListener = (event: KithEvent) => void

/** Fans events out to listeners and async iterators; a throwing listener never stops the engine. */
export class EventHub {
  private readonly listeners = new Set<KithEventListener>()

  on(listener: KithEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: KithEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event)
      } catch {
        // The user interface's problem; the engine carries on.
      }
    }
  }

  /** An async iterator over events from now on; `return()` (or breaking a for-await) unsubscribes. */
  iterate(): AsyncIterableIterator<KithEvent> {
    const queue: KithEvent[] = []
    let wake: (() => void) | undefined
    let done = false
    const off = this.on((event) => {
      queue.push(event)
      wake?.()
    })
    const iterator: AsyncIterableIterator<KithEvent> = {
      next: async () => {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve))
        wake = undefined
        const value = queue.shift()
        return value ? { value, done: false } : { value: undefined, done: true }
      },
      return: async () => {
        done = true
        off()
        wake?.()
        return { value: undefined, done: true }
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }
}
