import {
  assertNever,
  decodeServerFrame,
  encodeClientFrame,
  ErrorCode,
  isErrorCode,
  KithError,
  WS_PATH,
  type ClientFrame,
  type frames,
} from "@kith/protocol"
import type { Clock } from "./runtime"

/** The part of the WebSocket API the engine uses: the browser's, and `ws`'s in Node. */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  addEventListener(
    type: "open" | "close" | "error" | "message",
    listener: (event: { data?: unknown }) => void,
  ): void
}

export type WebSocketConstructor = new (url: string) => WebSocketLike

export type ClientFrameBody = ClientFrame["body"]

export interface SocketOptions {
  serverUrl: string
  WebSocket: WebSocketConstructor
  clock: Clock
  /** For the authenticated socket: the session token (`refresh` after a refusal). */
  sessionToken?: (refresh: boolean) => Promise<string>
  onEntry?: (entry: frames.MailboxEntry) => void
  onCaughtUp?: () => void
  onStatus?: (online: boolean) => void
  /**
   * For the anonymous socket: after this long without sending, send a Ping,
   * so the server's silence deadline for unauthenticated sockets
   * (docs/protocol.md §7) does not close it and force a new handshake.
   */
  keepAliveMs?: number
}

const OPEN = 1
const MAX_BACKOFF_MS = 10_000

/**
 * One WebSocket to the server that stays up: frames in and out, requests
 * matched to their replies by id ([W1]), and reconnection with backoff. The
 * authenticated variant binds itself to the device session first ([W3]) and
 * passes mailbox pushes on; the anonymous variant carries sealed sends ([W6]).
 */
export class FrameSocket {
  private ws: WebSocketLike | undefined
  private ready = false
  private stopped = true
  private nextRequestId = 1
  private readonly pending = new Map<
    number,
    { resolve: (ok: frames.Ok) => void; reject: (e: KithError) => void }
  >()
  private readyWaiters: (() => void)[] = []
  private failures = 0
  private loop: Promise<void> | undefined
  private stopping = new AbortController()
  private lastSentMs = 0

  constructor(private readonly options: SocketOptions) {}

  get online(): boolean {
    return this.ready
  }

  /** Starts connecting (and keeps reconnecting until stop). */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.stopping = new AbortController()
    this.loop = this.run()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.stopping.abort()
    this.ws?.close(1000, "client closing")
    this.failAll(new KithError(ErrorCode.Network, "connection closed"))
    for (const wake of this.readyWaiters.splice(0)) wake()
    await this.loop
  }

  /** Resolves once the socket is open (and authenticated, if it authenticates). */
  async whenReady(): Promise<void> {
    if (this.stopped) throw new KithError(ErrorCode.Network, "connection is closed")
    if (this.ready) return
    await new Promise<void>((resolve) => this.readyWaiters.push(resolve))
    if (!this.ready) throw new KithError(ErrorCode.Network, "connection is closed")
  }

  /** Sends a request (waiting for the connection) and resolves with the server's Ok, or rejects with its Error as a KithError. */
  async request(body: ClientFrameBody): Promise<frames.Ok> {
    await this.whenReady()
    return this.requestNow(body)
  }

  /**
   * Like request, but fails at once with a Network error when not connected
   * (nothing is sent then). A server that answers KITH_ERR_OVERLOADED stored
   * nothing: the same frame goes again after its hint, backing off further
   * each time, for as long as the connection lasts — an overloaded server
   * slows a sender down but never makes it drop a message.
   */
  async requestNow(body: ClientFrameBody): Promise<frames.Ok> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(body)
      } catch (e) {
        if (!(e instanceof KithError) || e.code !== ErrorCode.Overloaded || this.stopped) throw e
        await this.options.clock.sleep(
          overloadBackoffMs(attempt, e.details.retryAfterMs),
          this.stopping.signal,
        )
      }
    }
  }

  private requestOnce(body: ClientFrameBody): Promise<frames.Ok> {
    const ws = this.ws
    if (!ws || ws.readyState !== OPEN)
      return Promise.reject(new KithError(ErrorCode.Network, "not connected"))
    const requestId = this.nextRequestId++
    if (this.nextRequestId > 0xffff_fff0) this.nextRequestId = 1
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject })
      ws.send(encodeClientFrame({ requestId, body }))
      this.lastSentMs = this.options.clock.now()
    })
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const closed = await this.connectOnce()
      if (this.stopped) break
      this.failures = closed.wasReady ? 0 : this.failures + 1
      const backoff = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(this.failures, 6))
      await this.options.clock.sleep(this.failures === 0 ? 50 : backoff, this.stopping.signal)
    }
  }

  /** One connection's life; resolves when it closes. */
  private connectOnce(): Promise<{ wasReady: boolean }> {
    return new Promise((resolve) => {
      let wasReady = false
      let ws: WebSocketLike
      try {
        ws = new this.options.WebSocket(this.options.serverUrl.replace(/^http/, "ws") + WS_PATH)
      } catch {
        resolve({ wasReady })
        return
      }
      ws.binaryType = "arraybuffer"
      this.ws = ws
      const closed = new AbortController()
      ws.addEventListener("open", () => {
        void this.onOpen(ws).then(
          () => {
            if (this.ws !== ws || this.stopped) return
            wasReady = true
            this.ready = true
            this.options.onStatus?.(true)
            for (const wake of this.readyWaiters.splice(0)) wake()
            void this.keepAlive(ws, closed.signal)
          },
          () => ws.close(4000, "authentication failed"),
        )
      })
      ws.addEventListener("message", (event) => this.onMessage(event.data))
      ws.addEventListener("error", () => {})
      ws.addEventListener("close", () => {
        closed.abort()
        if (this.ws === ws) this.ws = undefined
        const wasOnline = this.ready
        this.ready = false
        this.failAll(new KithError(ErrorCode.Network, "connection lost"))
        if (wasOnline) this.options.onStatus?.(false)
        resolve({ wasReady })
      })
    })
  }

  /**
   * Sends a Ping whenever the connection has been silent for keepAliveMs —
   * a few bytes a minute, instead of the server closing an idle anonymous
   * socket and the client opening a new one.
   */
  private async keepAlive(ws: WebSocketLike, closed: AbortSignal): Promise<void> {
    const interval = this.options.keepAliveMs
    if (interval === undefined || interval <= 0) return
    const clock = this.options.clock
    while (!closed.aborted && this.ws === ws && !this.stopped) {
      let waitMs = interval - (clock.now() - this.lastSentMs)
      if (waitMs <= 0) {
        // The answer only says the server is there; a lost connection is noticed by its close.
        this.requestOnce({ case: "ping", value: {} as frames.Ping }).catch(() => {})
        waitMs = interval
      }
      await clock.sleep(waitMs, closed)
    }
  }

  private async onOpen(ws: WebSocketLike): Promise<void> {
    if (!this.options.sessionToken) return
    for (const refresh of [false, true]) {
      const sessionToken = await this.options.sessionToken(refresh)
      if (this.ws !== ws) throw new KithError(ErrorCode.Network, "connection replaced")
      try {
        await this.requestNow({ case: "authenticate", value: { sessionToken } as frames.Authenticate })
        return
      } catch (e) {
        if (!(e instanceof KithError) || e.code !== ErrorCode.Unauthenticated || refresh) throw e
      }
    }
  }

  private onMessage(data: unknown): void {
    let frame: frames.ServerFrame
    try {
      const bytes =
        data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : ArrayBuffer.isView(data)
            ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
            : undefined
      if (!bytes) return
      frame = decodeServerFrame(bytes)
    } catch {
      return // An undecodable frame from the server is ignored; requests time out through reconnects.
    }
    const body = frame.body
    switch (body.case) {
      case "ok":
      case "error": {
        const waiter = this.pending.get(frame.requestId)
        if (!waiter) return
        this.pending.delete(frame.requestId)
        if (body.case === "ok") waiter.resolve(body.value)
        else waiter.reject(errorFromFrame(body.value))
        return
      }
      case "entry":
        this.options.onEntry?.(body.value)
        return
      case "caughtUp":
        this.options.onCaughtUp?.()
        return
      case "pong": {
        // Ping's answer: it says every frame before it was handled.
        const waiter = this.pending.get(frame.requestId)
        this.pending.delete(frame.requestId)
        waiter?.resolve({ unknownDeviceIds: [], skippedDeviceIds: [] } as unknown as frames.Ok)
        return
      }
      case undefined:
        return
      default:
        assertNever(body)
    }
  }

  private failAll(error: KithError): void {
    const waiters = [...this.pending.values()]
    this.pending.clear()
    for (const w of waiters) w.reject(error)
  }
}

/**
 * How long to wait before sending a refused frame again: at least the
 * server's hint, doubling with each refusal up to MAX_BACKOFF_MS, with jitter
 * so the senders it refused together do not all come back at the same moment.
 */
export function overloadBackoffMs(attempt: number, hintMs: number | undefined): number {
  const backoff = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 10))
  return Math.max(hintMs ?? 0, backoff) * (1 + Math.random() / 2)
}

function errorFromFrame(error: frames.Error): KithError {
  const code = isErrorCode(error.code) ? error.code : ErrorCode.Internal
  return new KithError(code, error.message || code, {
    retryAfterMs: error.retryAfterMs || undefined,
    currentEpoch: code === ErrorCode.EpochConflict ? error.currentEpoch : undefined,
  })
}
