import type { Redis } from "ioredis"
import { randomBytes } from "node:crypto"
import type { MailboxBus, MailboxEvent } from "./mailboxBus"
import { InProcessBus } from "./inProcessBus"

export interface RedisBusEvents {
  /** A publish could not reach Redis: the news stays local until the other nodes resynchronise. */
  publishFailed(error: unknown): void
  /** The subscriber connection came back: every local mailbox was told to look for news. */
  resynced(): void
}

/**
 * The cluster bus: Redis pub/sub, one channel per mailbox (`<prefix><deviceId>`),
 * carrying only "news" or "gone" and the id of the node that published it.
 * A node subscribes to the channels of the devices connected to it, so news
 * for a mailbox reaches only the node that holds its connection and an idle
 * node hears nothing. Listeners on the publishing node are told directly.
 *
 * Pub/sub forgets what it could not deliver, so the bus makes up for it: a
 * new subscription and a reconnected subscriber both tell their listeners
 * "news", and the mailbox pump then reads whatever the store holds. A
 * message is never lost with the bus — it is in the database — only its
 * announcement, and that is repeated.
 */
export class RedisBus implements MailboxBus {
  private readonly local = new InProcessBus()
  private readonly channels = new Map<string, number>()
  private readonly nodeId = randomBytes(8).toString("base64url")
  private connectedOnce = false

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly events: RedisBusEvents,
  ) {
    subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) =>
      this.receive(channel.toString(), message.toString()),
    )
    subscriber.on("ready", () => {
      if (this.connectedOnce) this.resync()
      this.connectedOnce = true
    })
    if (subscriber.status === "ready") this.connectedOnce = true
  }

  async publish(deviceIds: readonly string[], event: MailboxEvent): Promise<void> {
    await this.local.publish(deviceIds, event)
    if (deviceIds.length === 0) return
    const message = `${this.nodeId} ${event}`
    try {
      const pipeline = this.publisher.pipeline()
      for (const deviceId of deviceIds) pipeline.publish(this.prefix + deviceId, message)
      const failed = (await pipeline.exec())?.find(([error]) => error !== null)
      if (failed !== undefined) throw failed[0]
    } catch (error) {
      this.events.publishFailed(error)
    }
  }

  subscribe(deviceId: string, listener: (event: MailboxEvent) => void): () => void {
    const unsubscribe = this.local.subscribe(deviceId, listener)
    const count = this.channels.get(deviceId) ?? 0
    this.channels.set(deviceId, count + 1)
    if (count === 0) {
      // Whatever was published before the subscription took effect is picked up by this "news".
      this.subscriber.subscribe(this.prefix + deviceId).then(
        () => void this.local.publish([deviceId], "news"),
        () => undefined, // Redis is away: the resync on reconnect subscribes again.
      )
    }
    let done = false
    return () => {
      if (done) return
      done = true
      unsubscribe()
      const left = (this.channels.get(deviceId) ?? 1) - 1
      if (left > 0) {
        this.channels.set(deviceId, left)
        return
      }
      this.channels.delete(deviceId)
      this.subscriber.unsubscribe(this.prefix + deviceId).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    await this.local.close()
    this.channels.clear()
  }

  private receive(channel: string, message: string): void {
    if (!channel.startsWith(this.prefix)) return
    const [from, event] = message.split(" ")
    if (from === this.nodeId) return
    if (event !== "news" && event !== "gone" && event !== "replaced") return
    void this.local.publish([channel.slice(this.prefix.length)], event)
  }

  /** After a reconnect: listen again on every local channel, then let every local mailbox look for news. */
  private resync(): void {
    const deviceIds = [...this.channels.keys()]
    const subscribed =
      deviceIds.length === 0
        ? Promise.resolve()
        : this.subscriber.subscribe(...deviceIds.map((id) => this.prefix + id)).then(() => undefined)
    subscribed.then(
      () => {
        void this.local.publish(deviceIds, "news")
        this.events.resynced()
      },
      () => undefined, // Gone again before it finished: the next "ready" repeats this.
    )
  }
}
