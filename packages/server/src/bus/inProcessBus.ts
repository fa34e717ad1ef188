import type { MailboxBus, MailboxEvent } from "./mailboxBus"

/** The single-node bus: listeners in this process, called synchronously. */
export class InProcessBus implements MailboxBus {
  private readonly listeners = new Map<string, Set<(event: MailboxEvent) => void>>()

  async publish(deviceIds: readonly string[], event: MailboxEvent): Promise<void> {
    for (const deviceId of deviceIds) {
      for (const listener of this.listeners.get(deviceId) ?? []) {
        try {
          listener(event)
        } catch {
          // One failing listener must not keep the news from the others.
        }
      }
    }
  }

  subscribe(deviceId: string, listener: (event: MailboxEvent) => void): () => void {
    let set = this.listeners.get(deviceId)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(deviceId, set)
    }
    set.add(listener)
    return () => {
      const current = this.listeners.get(deviceId)
      current?.delete(listener)
      if (current?.size === 0) this.listeners.delete(deviceId)
    }
  }

  async close(): Promise<void> {
    this.listeners.clear()
  }
}
