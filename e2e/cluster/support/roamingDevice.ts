import WebSocket from "ws"
import { decodeServerFrame, encodeClientFrame, WS_PATH, type ServerFrame } from "@kith/protocol"
import { openSession, type TestUser } from "../../../packages/server/src/testing/identities"

const decoder = new TextDecoder()
/** Generous: only there so a broken cluster fails a test instead of hanging it. */
const WAIT_LIMIT_MS = 60_000

/**
 * A receiving device as a real client behaves behind a load balancer: it
 * connects to some node, authenticates, acknowledges what it receives, and
 * when its node goes away (or refuses for a moment) it reconnects to the next
 * live node, with the same session if that is still valid, else a new one.
 * It remembers every payload it saw on the wire, so a test can tell
 * at-least-once on the wire from exactly-once after de-duplication.
 */
export class RoamingDevice {
  /** payload text → how many times it arrived on the wire */
  readonly seen = new Map<string, number>()
  reconnects = 0
  private socket: WebSocket | undefined
  private stopped = false
  private token: string

  constructor(
    private readonly user: TestUser,
    /** The nodes it may use, in the order it tries them. */
    private readonly nodes: () => string[],
    private next = 0,
  ) {
    this.token = user.token
  }

  async start(): Promise<void> {
    await this.connect()
  }

  /** Payloads seen at least once: what the user is shown after de-duplication. */
  unique(): Set<string> {
    return new Set(this.seen.keys())
  }

  async waitFor(payloads: Iterable<string>, what = "payloads"): Promise<void> {
    const wanted = [...payloads]
    const deadline = Date.now() + WAIT_LIMIT_MS
    while (wanted.some((p) => !this.seen.has(p))) {
      if (Date.now() > deadline) {
        const missing = wanted.filter((p) => !this.seen.has(p)).length
        throw new Error(`gave up waiting for ${what}: ${missing} of ${wanted.length} missing`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  stop(): void {
    this.stopped = true
    this.socket?.close()
  }

  private async connect(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const urls = this.nodes()
      const url = urls[this.next++ % urls.length]!
      try {
        await this.session(url)
        return
      } catch {
        // That node is gone or cannot serve right now: try the next one shortly.
        await new Promise((r) => setTimeout(r, Math.min(100 * (attempt + 1), 1000)))
      }
    }
  }

  private async session(url: string): Promise<void> {
    const ws = new WebSocket(url.replace(/^http/, "ws") + WS_PATH)
    ws.binaryType = "nodebuffer"
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve())
      ws.once("error", reject)
    })
    ws.on("error", () => undefined)
    const authenticated = new Promise<ServerFrame>((resolve) => {
      ws.on("message", (data: Buffer) => {
        const frame = decodeServerFrame(new Uint8Array(data))
        if (frame.requestId === 1) return resolve(frame)
        if (frame.body.case !== "entry") return
        const text = decoder.decode(frame.body.value.payload)
        this.seen.set(text, (this.seen.get(text) ?? 0) + 1)
        ws.send(
          encodeClientFrame({
            requestId: 2,
            body: { case: "ack", value: { seqs: [frame.body.value.seq] } },
          } as never),
        )
      })
      ws.once("close", () => resolve({ body: { case: "error", value: { code: "closed" } } } as never))
    })
    ws.send(
      encodeClientFrame({
        requestId: 1,
        body: { case: "authenticate", value: { sessionToken: this.token } },
      } as never),
    )
    const reply = await authenticated
    if (reply.body.case !== "ok") {
      ws.close()
      // A session that Redis no longer knows (e.g. Redis restarted): sign a new challenge.
      if (reply.body.case === "error" && reply.body.value.code === "KITH_ERR_UNAUTHENTICATED") {
        this.token = await openSession(url, this.user.device)
      }
      throw new Error(`authenticate: ${reply.body.case}`)
    }
    this.socket = ws
    ws.once("close", () => {
      if (this.stopped) return
      this.reconnects++
      void this.connect()
    })
  }
}
