import WebSocket from "ws"
import {
  decodeServerFrame,
  encodeClientFrame,
  WS_PATH,
  type ClientFrame,
  type ServerFrame,
} from "@kith/protocol"

type Body = ClientFrame["body"]
type Init<T> = T extends { case: infer C; value: infer V }
  ? { case: C; value: Omit<V, "$typeName" | "$unknown"> }
  : never

/** Generous: only there so a broken server fails a test instead of hanging it. */
const WAIT_LIMIT_MS = 20_000

/**
 * A bare WebSocket client for tests: numbered requests matched to their
 * replies, pushes (entries, CaughtUp) collected in order.
 */
export class TestSocket {
  readonly pushes: ServerFrame[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private nextRequestId = 1
  private readonly replies = new Map<
    number,
    { resolve: (frame: ServerFrame) => void; reject: (e: Error) => void }
  >()
  private readonly unmatched: ServerFrame[] = []
  private watchers: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(data))
      const pending = this.replies.get(frame.requestId)
      if (frame.requestId === 0 && frame.body.case !== "error") {
        this.pushes.push(frame)
      } else if (pending !== undefined) {
        this.replies.delete(frame.requestId)
        pending.resolve(frame)
      } else {
        // Errors for frames that could not be read (request id 0) and replies to raw sends.
        this.unmatched.push(frame)
      }
      for (const watch of this.watchers) watch()
    })
    this.closed = new Promise((resolve) =>
      ws.on("close", (code, reason) => {
        resolve({ code, reason: reason.toString() })
        // Requests still waiting will never be answered on this connection.
        for (const pending of this.replies.values()) pending.reject(new Error("connection closed"))
        this.replies.clear()
        for (const watch of this.watchers) watch()
      }),
    )
  }

  static async connect(baseUrl: string): Promise<TestSocket> {
    const ws = new WebSocket(baseUrl.replace(/^http/, "ws") + WS_PATH)
    ws.binaryType = "nodebuffer"
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve())
      ws.once("error", reject)
    })
    return new TestSocket(ws)
  }

  /** Wraps a socket the test opened itself (with options of its own), once it is open. */
  static wrap(ws: WebSocket): TestSocket {
    return new TestSocket(ws)
  }

  /** Sends a frame and waits for the reply with its request id. */
  async request(body: Init<Body>): Promise<ServerFrame> {
    const requestId = this.nextRequestId++
    const reply = new Promise<ServerFrame>((resolve, reject) =>
      this.replies.set(requestId, { resolve, reject }),
    )
    this.sendRaw(encodeClientFrame({ requestId, body } as Omit<ClientFrame, "$typeName">))
    return withLimit(reply, `reply to request ${requestId}`)
  }

  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data)
  }

  /** Frames answering requests this client did not make through request() (raw sends). */
  async nextUnmatched(): Promise<ServerFrame> {
    await this.waitFor(() => this.unmatched.length > 0)
    return this.unmatched.shift()!
  }

  async authenticate(token: string): Promise<ServerFrame> {
    return this.request({ case: "authenticate", value: { sessionToken: token } })
  }

  /** Mailbox entries pushed so far, in arrival order. */
  entries(): { seq: bigint; payload: Uint8Array }[] {
    return this.pushes.flatMap((f) => (f.body.case === "entry" ? [f.body.value] : []))
  }

  caughtUp(): boolean {
    return this.pushes.some((f) => f.body.case === "caughtUp")
  }

  async waitFor(condition: () => boolean, what = "condition"): Promise<void> {
    if (condition()) return
    await withLimit(
      new Promise<void>((resolve) => {
        const watch = () => {
          if (!condition()) return
          this.watchers = this.watchers.filter((w) => w !== watch)
          resolve()
        }
        this.watchers.push(watch)
      }),
      what,
    )
  }

  async waitForEntries(count: number): Promise<void> {
    await this.waitFor(() => this.entries().length >= count, `${count} entries`)
  }

  isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.close()
    await this.closed
  }
}

async function withLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), WAIT_LIMIT_MS)
  })
  try {
    return await Promise.race([promise, limit])
  } finally {
    clearTimeout(timer)
  }
}

/** The frame's body, or a helpful failure if it is of another kind. */
export function bodyOf<C extends NonNullable<ServerFrame["body"]["case"]>>(
  frame: ServerFrame,
  kind: C,
): Extract<ServerFrame["body"], { case: C }>["value"] {
  if (frame.body.case !== kind) {
    throw new Error(`expected ${kind}, got ${frame.body.case}: ${JSON.stringify(frame.body.value, replacer)}`)
  }
  return frame.body.value as never
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value
}
