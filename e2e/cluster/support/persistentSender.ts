import { delivery, to } from "../../../packages/server/src/testing/deliveries"
import type { TestDevice } from "../../../packages/server/src/testing/identities"
import { TestSocket } from "../../../packages/server/src/testing/wsClient"

export interface Recipient {
  device: TestDevice
  deliveryToken: Uint8Array
}

/**
 * Sends sealed messages as a client does: through some node, and when that
 * node answers a retryable error or goes away, the same message again
 * (through the next node) until one says Ok. A message may so be stored
 * twice; the receiving client de-duplicates. Records what was accepted and
 * every error code it was answered with.
 */
export class PersistentSender {
  readonly accepted: string[] = []
  readonly errorCodes = new Map<string, number>()
  private socket: TestSocket | undefined
  private next: number

  constructor(
    private readonly nodes: () => string[],
    start = 0,
  ) {
    this.next = start
  }

  async send(text: string, recipients: Recipient[]): Promise<void> {
    const payload = new TextEncoder().encode(text)
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        const socket = await this.connected()
        const reply = await socket.request({
          case: "send",
          value: {
            deliveries: [
              delivery(
                payload,
                recipients.map((r) => to(r.device, r.deliveryToken)),
              ),
            ] as never,
          },
        })
        if (reply.body.case === "ok") {
          this.accepted.push(text)
          return
        }
        const code = reply.body.case === "error" ? reply.body.value.code : String(reply.body.case)
        this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1)
        const wait = reply.body.case === "error" ? reply.body.value.retryAfterMs : 0
        await new Promise((r) => setTimeout(r, Math.min(Math.max(wait, 50), 1000)))
      } catch {
        // The node went away mid-request: reconnect elsewhere and send the same message again.
        this.errorCodes.set("connection lost", (this.errorCodes.get("connection lost") ?? 0) + 1)
        this.socket = undefined
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    throw new Error(`gave up sending ${text}`)
  }

  async close(): Promise<void> {
    await this.socket?.close()
  }

  private async connected(): Promise<TestSocket> {
    if (this.socket?.isOpen()) return this.socket
    const urls = this.nodes()
    this.socket = await TestSocket.connect(urls[this.next++ % urls.length]!)
    return this.socket
  }
}
