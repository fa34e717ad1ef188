import { ErrorCode, KithError } from "@kith/protocol"
import type { Engine } from "./engine"
import { topUpKeyPackages } from "./keyPackageSupply"
import { pruneSeenDigests } from "./seenDigests"
import { FrameSocket } from "./socket"

const CONNECT_TIMEOUT_MS = 15_000
/** Half the server's silence deadline for unauthenticated sockets (2 minutes), leaving room for a slow network. */
export const SEALED_KEEP_ALIVE_MS = 60_000

/**
 * The client's two connections and their life cycle: the authenticated one
 * streams the mailbox ([W3]) and carries the few unsealed sends; the
 * anonymous one carries sealed sends ([W6]). Both reconnect on their own.
 */
export class Connection {
  private caughtUp: Promise<void> = Promise.resolve()
  private markCaughtUp: () => void = () => {}

  constructor(private readonly engine: Engine) {}

  /** Connects both sockets; rejects with a Network error if the server cannot be reached in time. */
  async connect(): Promise<void> {
    const engine = this.engine
    engine.me()
    const WebSocket = engine.options.webSocket
    if (!WebSocket)
      throw new KithError(ErrorCode.Network, "no WebSocket here: pass `webSocket` to KithClient.open")
    if (engine.authSocket) return
    engine.closed = false
    this.resetCaughtUp()
    engine.authSocket = new FrameSocket({
      serverUrl: engine.options.serverUrl,
      WebSocket,
      clock: engine.clock,
      sessionToken: (refresh) => engine.session.current(refresh),
      onEntry: (entry) => engine.mailbox.push(entry),
      onCaughtUp: () => this.markCaughtUp(),
      onStatus: (online) => {
        engine.events.emit({ type: "connection", online })
        if (!online) return this.resetCaughtUp()
        engine.background.start(() => engine.outbox.flush())
        engine.background.start(() => topUpKeyPackages(engine))
      },
    })
    engine.sealedSocket = new FrameSocket({
      serverUrl: engine.options.serverUrl,
      WebSocket,
      clock: engine.clock,
      keepAliveMs: engine.options.sealedKeepAliveMs,
      onStatus: (online) => {
        if (online) engine.background.start(() => engine.outbox.flush())
      },
    })
    engine.authSocket.start()
    engine.sealedSocket.start()
    engine.background.start(() => pruneSeenDigests(engine))
    engine.background.start(() => engine.expiry.wake())
    const timer = new AbortController()
    const timedOut = engine.clock.sleep(CONNECT_TIMEOUT_MS, timer.signal).then(() => {
      throw new KithError(ErrorCode.Network, "could not reach the server")
    })
    try {
      await Promise.race([
        Promise.all([engine.authSocket.whenReady(), engine.sealedSocket.whenReady()]),
        timedOut,
      ])
    } finally {
      timer.abort()
    }
  }

  private resetCaughtUp(): void {
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve))
  }

  /** Resolves once the mailbox backlog is in and everything received so far is processed. */
  async sync(): Promise<void> {
    const socket = this.engine.authSocket
    if (!socket) throw new KithError(ErrorCode.Network, "not connected: call connect() first")
    await socket.whenReady()
    await this.caughtUp
    // The server answers in order: once Pong is back, every entry pushed before it is queued here.
    await socket.request({ case: "ping", value: {} as never })
    do {
      await this.engine.mailbox.idle()
      await this.engine.background.idle()
      await this.engine.outbox.flush()
    } while (this.engine.background.size > 0)
  }

  /** Closes both sockets and waits for work in progress to stop (pending waits are woken). */
  async close(): Promise<void> {
    const engine = this.engine
    engine.closed = true
    engine.groups.wakeAll()
    engine.expiry.stop()
    const sockets = [engine.authSocket, engine.sealedSocket]
    engine.authSocket = undefined
    engine.sealedSocket = undefined
    await Promise.all(sockets.map((s) => s?.stop()))
    await engine.mailbox.idle()
    await engine.background.idle()
  }
}
