import { KithError } from "@kith/protocol"
import type { SealedStore } from "../storage/sealedStore"
import { decodeJson, encodeJson } from "./appPrefs"

/**
 * Messages written while Kith cannot reach the server. They are kept sealed in
 * IndexedDB (so a reload doesn't lose them), shown as "sending", and sent in
 * order when the connection returns. A send the server refused for good is
 * marked failed and waits for the person to retry.
 */
export interface OutboxEntry {
  localId: string
  chatId: string
  text: string
  replyTo?: string
  createdAt: number
  state: "sending" | "failed"
}

const PREFIX = "outbox/"

export type Sender = (entry: OutboxEntry) => Promise<void>

export class Outbox {
  private readonly queue: OutboxEntry[] = []
  private flushing: Promise<void> | undefined

  constructor(
    private readonly store: SealedStore,
    private readonly send: Sender,
    private readonly onChange: () => void,
  ) {}

  async load(): Promise<void> {
    const entries = await this.store.list(PREFIX)
    this.queue.splice(0, this.queue.length, ...entries.map((e) => decodeJson<OutboxEntry>(e.value)))
    this.queue.sort((a, b) => a.createdAt - b.createdAt)
  }

  entriesOf(chatId: string): OutboxEntry[] {
    return this.queue.filter((e) => e.chatId === chatId)
  }

  get size(): number {
    return this.queue.length
  }

  async enqueue(
    chatId: string,
    text: string,
    replyTo: string | undefined,
    now: number,
  ): Promise<OutboxEntry> {
    const localId = `local-${now.toString(36)}-${crypto.randomUUID()}`
    const entry: OutboxEntry = { localId, chatId, text, replyTo, createdAt: now, state: "sending" }
    this.queue.push(entry)
    await this.store.put(PREFIX + localId, encodeJson(entry))
    this.onChange()
    return entry
  }

  async retry(localId: string): Promise<void> {
    const entry = this.queue.find((e) => e.localId === localId)
    if (!entry) return
    entry.state = "sending"
    await this.store.put(PREFIX + localId, encodeJson(entry))
    this.onChange()
    await this.flush()
  }

  /** Sends what is queued, oldest first; stops at the first failure that a later attempt may cure. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined))
    return this.flushing
  }

  private async drain(): Promise<void> {
    for (;;) {
      const entry = this.queue.find((e) => e.state === "sending")
      if (!entry) return
      try {
        await this.send(entry)
      } catch (e) {
        if (isTransient(e)) return
        console.warn("send failed", e)
        entry.state = "failed"
        await this.store.put(PREFIX + entry.localId, encodeJson(entry))
        this.onChange()
        continue
      }
      this.queue.splice(this.queue.indexOf(entry), 1)
      await this.store.delete(PREFIX + entry.localId)
      this.onChange()
    }
  }
}

/** Failures of the connection rather than of the message: try again when back online. */
export function isTransient(e: unknown): boolean {
  if (e instanceof KithError) return e.retryable
  return e instanceof TypeError // fetch's "Failed to fetch"
}
