/**
 * Sealed ratchet trees. The server cannot read them (the key is derived from
 * the group's epoch, docs/protocol.md "Ratchet trees") nor tell which group a
 * tree belongs to; it keeps each for Limits.mailboxRetentionMs, as long as the
 * Welcome that points at it may wait in a mailbox.
 */
export interface RatchetTreeStore {
  /** "exists" when a tree is already stored under that id (the first write wins). */
  put(id: string, ciphertext: Uint8Array, expiresAtMs: number, nowMs: number): Promise<"stored" | "exists">
  /** undefined when there is none, or it expired. */
  get(id: string, nowMs: number): Promise<Uint8Array | undefined>
}
