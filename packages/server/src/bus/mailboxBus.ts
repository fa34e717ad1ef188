/**
 * What one part of the server tells the others about a mailbox (= a device):
 * "news" — entries were stored, push them; "gone" — the device was removed,
 * drop its connection; "replaced" — the device authenticated a newer
 * connection (perhaps on another node), drop the older one. In-process by
 * default; Redis pub/sub in a cluster. Events carry no payloads, only which mailbox.
 */
export type MailboxEvent = "news" | "gone" | "replaced"

export interface MailboxBus {
  publish(deviceIds: readonly string[], event: MailboxEvent): Promise<void>
  /** Returns a function that unsubscribes. */
  subscribe(deviceId: string, listener: (event: MailboxEvent) => void): () => void
  close(): Promise<void>
}
