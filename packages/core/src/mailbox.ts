import { Limits, type frames } from "@kith/protocol"
import type { Engine } from "./engine"
import { receivePayload } from "./receive"

/**
 * The receive loop ([W3], [W4]): mailbox entries are processed one at a time,
 * in order, and acknowledged only after their effects are stored — so an
 * entry is never lost, and one seen twice is recognised by its digest.
 */
export class Mailbox {
  private readonly queue: frames.MailboxEntry[] = []
  private readonly queued = new Set<bigint>()
  private readonly acks: bigint[] = []
  private running: Promise<void> | undefined
  private idleWaiters: (() => void)[] = []

  constructor(private readonly engine: Engine) {}

  push(entry: frames.MailboxEntry): void {
    if (this.queued.has(entry.seq)) return
    this.queued.add(entry.seq)
    this.queue.push(entry)
    this.running ??= this.drain().finally(() => {
      this.running = undefined
      for (const wake of this.idleWaiters.splice(0)) wake()
    })
  }

  /** Resolves once every entry received so far is processed (and its acknowledgement sent). */
  async idle(): Promise<void> {
    if (!this.running) return
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const entry = this.queue.shift()!
      if (this.engine.closed) {
        // Unacknowledged entries come again on the next connection.
        this.queue.length = 0
        this.queued.clear()
        return
      }
      try {
        await receivePayload(this.engine, entry.payload)
        this.acks.push(entry.seq)
      } catch {
        // Storing failed: without an acknowledgement the server pushes the entry again on the next connection.
      }
      this.queued.delete(entry.seq)
      if (this.queue.length === 0 || this.acks.length >= Limits.maxAcksPerFrame) this.flushAcks()
    }
  }

  private flushAcks(): void {
    const seqs = this.acks.splice(0, Limits.maxAcksPerFrame)
    if (seqs.length === 0) return
    // An acknowledgement lost with the connection only means the entry comes again; its digest is known by then.
    this.engine.authSocket?.request({ case: "ack", value: { seqs } as frames.Ack }).catch(() => {})
  }
}
