import type { Socket } from "node:net"
import type { RawData, WebSocket } from "ws"
import { assertNever, decodeClientFrame, ErrorCode, KithError, type ClientFrame } from "@kith/protocol"
import type { ServerContext } from "../context"
import type { MailboxEvent } from "../bus/mailboxBus"
import { acceptCommit, acceptSend, type Sender } from "../delivery/deliveryService"
import { MailboxPump } from "./mailboxPump"
import { peekRequestId } from "./peekRequestId"
import { asKithError, serverFrames } from "./serverFrames"
import { CloseCode, type RegisteredConnection } from "./connectionRegistry"
import { watchLiveness, type Liveness } from "./liveness"
import { keyOf } from "../ephemeral/sessionStore"

/** Frames that fail to decode before the connection is dropped. */
export const MAX_BAD_FRAMES = 20
/** Frames received but not yet answered before the server stops reading from the socket. */
const MAX_QUEUED_FRAMES = 64
/** Frames of one connection handled at the same time (a sender pipelining Sends). */
const MAX_CONCURRENT_FRAMES = 16

interface Authenticated {
  /** The session token's key (keyOf): hashed once, checked on every frame. */
  sessionKey: string
  deviceId: string
  accountId: string
  pump: MailboxPump
  unsubscribe: () => void
}

/**
 * One WebSocket. Frames start in the order they came and up to 16 run at
 * once, so a client can pipeline Sends and they share group commits;
 * Authenticate waits for everything before it and holds back everything
 * after it. Every failure of a request becomes an Error frame for that
 * request, and the connection stays up (except after too many undecodable frames).
 */
export class Connection implements RegisteredConnection {
  private badFrames = 0
  private authenticated: Authenticated | undefined
  private queue: Promise<void> = Promise.resolve()
  private readonly running = new Set<Promise<void>>()
  private queued = 0
  private closed = false
  private corked = false
  private readonly liveness: Liveness

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: ServerContext,
    /** The salted daily hash of the client's address: friend requests are counted per network too. */
    private readonly addressKey: string,
    /** The TCP socket under the WebSocket, when known: frames of one turn are written to it together. */
    private readonly tcp?: Socket,
  ) {
    ctx.metrics.wsConnections.inc()
    this.liveness = watchLiveness(socket, ctx.config.abuse, () => this.authenticated !== undefined)
    socket.on("message", (data, isBinary) => this.receive(data, isBinary))
    socket.on("close", () => this.release())
    socket.on("error", () => this.release())
  }

  close(code: number, reason: string): void {
    this.release()
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason)
    }
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closed) return
    this.liveness.heard()
    if (!isBinary) {
      this.rejectBadFrame(0, new KithError(ErrorCode.BadFrame, "frames must be binary"))
      return
    }
    const bytes = toBytes(data)
    this.queued++
    if (this.queued >= MAX_QUEUED_FRAMES) this.socket.pause()
    this.queue = this.queue.then(() => this.start(bytes)).catch(() => undefined)
  }

  /** Decodes a frame and starts handling it; resolves once the next frame may start. */
  private async start(bytes: Uint8Array): Promise<void> {
    let frame: ClientFrame
    try {
      if (this.closed) return this.finished()
      frame = decodeClientFrame(bytes)
    } catch (error) {
      this.rejectBadFrame(peekRequestId(bytes), error)
      return this.finished()
    }
    const exclusive = frame.body.case === "authenticate"
    if (exclusive) await Promise.all(this.running)
    while (this.running.size >= MAX_CONCURRENT_FRAMES) await Promise.race(this.running)
    const work: Promise<void> = this.dispatch(frame)
      .catch((error: unknown) => this.replyError(frame.requestId, error))
      .finally(() => {
        this.running.delete(work)
        this.finished()
      })
    this.running.add(work)
    if (exclusive) await work
  }

  private finished(): void {
    this.queued--
    if (this.queued < MAX_QUEUED_FRAMES && this.socket.isPaused) this.socket.resume()
  }

  private async dispatch(frame: ClientFrame): Promise<void> {
    const { requestId, body } = frame
    switch (body.case) {
      case "authenticate":
        return this.authenticate(requestId, body.value.sessionToken)
      case "send": {
        const { unknown, skipped } = await acceptSend(this.ctx, body.value.deliveries, await this.sender())
        this.send(serverFrames.ok(requestId, unknown, skipped))
        return
      }
      case "submitCommit": {
        const { groupId, epoch, deliveries } = body.value
        const unknown = await acceptCommit(this.ctx, groupId, epoch, deliveries, await this.sender())
        this.send(serverFrames.ok(requestId, unknown))
        return
      }
      case "ack":
        return this.ack(requestId, body.value.seqs)
      case "ping":
        this.send(serverFrames.pong(requestId))
        return
      case undefined:
        throw new KithError(ErrorCode.BadFrame, "missing frame type")
      default:
        return assertNever(body)
    }
  }

  private async authenticate(requestId: number, token: string): Promise<void> {
    if (this.authenticated !== undefined) {
      throw new KithError(ErrorCode.BadRequest, "this connection is already authenticated")
    }
    const sessionKey = keyOf(token)
    const session = await this.ctx.sessions.getByKey(sessionKey)
    if (session === undefined) throw new KithError(ErrorCode.Unauthenticated, "unknown or expired session")
    const { deviceId, accountId } = session
    // A device has one connection: an older one, on this node or another, closes (before this one listens).
    await this.ctx.bus.publish([deviceId], "replaced")
    // Listen before reading the backlog's end, so no entry falls between the two.
    const unsubscribe = this.ctx.bus.subscribe(deviceId, (event) => this.onMailboxEvent(event))
    let backlogUntilSeq: number
    try {
      backlogUntilSeq = await this.ctx.store.mailboxes.lastSeq(deviceId)
    } catch (error) {
      unsubscribe()
      throw error
    }
    if (this.closed) {
      unsubscribe()
      return
    }
    const pump = new MailboxPump(deviceId, backlogUntilSeq, this.ctx.store.mailboxes, this.ctx.clock, {
      entry: (entry) => {
        this.ctx.metrics.mailboxEntriesPushed.inc()
        this.send(serverFrames.entry(entry.seq, entry.payload))
      },
      caughtUp: () => this.send(serverFrames.caughtUp()),
      failed: (error) => {
        this.ctx.logger.error({ err: error }, "mailbox push failed; closing the connection")
        this.close(1011, "internal error")
      },
    })
    this.authenticated = { sessionKey, deviceId, accountId, pump, unsubscribe }
    this.ctx.connections.bind(deviceId, this)
    this.send(serverFrames.ok(requestId))
    pump.kick()
  }

  private async ack(requestId: number, seqs: bigint[]): Promise<void> {
    const auth = await this.requireSession()
    const numbers = [...new Set(seqs.filter((s) => s <= BigInt(Number.MAX_SAFE_INTEGER)).map(Number))]
    const deleted = await this.ctx.store.mailboxes.ack(auth.deviceId, numbers)
    this.ctx.metrics.mailboxEntriesDelivered.inc(deleted)
    auth.pump.acknowledged(numbers)
    this.send(serverFrames.ok(requestId))
  }

  /** The sending account, if this connection's session is still valid; sealed sends need none. */
  private async sender(): Promise<Sender | undefined> {
    if (this.authenticated === undefined) return undefined
    return (await this.ctx.sessions.getByKey(this.authenticated.sessionKey)) === undefined
      ? undefined
      : { accountId: this.authenticated.accountId, addressKey: this.addressKey }
  }

  private async requireSession(): Promise<Authenticated> {
    const auth = this.authenticated
    if (auth === undefined || (await this.ctx.sessions.getByKey(auth.sessionKey)) === undefined) {
      throw new KithError(ErrorCode.Unauthenticated, "authenticate this connection first")
    }
    return auth
  }

  private onMailboxEvent(event: MailboxEvent): void {
    switch (event) {
      case "news":
        this.authenticated?.pump.kick()
        return
      case "gone":
        this.close(CloseCode.deviceGone, "device removed")
        return
      case "replaced":
        this.close(CloseCode.replaced, "replaced by a newer connection")
        return
      default:
        return assertNever(event)
    }
  }

  private rejectBadFrame(requestId: number, error: unknown): void {
    this.replyError(requestId, error)
    if (++this.badFrames >= MAX_BAD_FRAMES) this.close(CloseCode.tooManyBadFrames, "too many bad frames")
  }

  private replyError(requestId: number, failure: unknown): void {
    const { error, unexpected } = asKithError(failure)
    if (unexpected) this.ctx.logger.error({ err: failure }, "frame failed")
    this.ctx.metrics.framesRejected.inc({ code: error.code })
    this.send(serverFrames.error(requestId, error))
  }

  /** A failed write means the socket is going away; its close event cleans up. */
  private send(bytes: Uint8Array): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return
    this.corkForThisTurn()
    this.socket.send(bytes, { binary: true })
  }

  /**
   * A connection often has several frames to send in one turn of the event
   * loop (the Ok for its Send, an entry from its partner, more Oks): corked,
   * they leave in one system call instead of one each.
   */
  private corkForThisTurn(): void {
    const tcp = this.tcp
    if (tcp === undefined || this.corked) return
    this.corked = true
    tcp.cork()
    process.nextTick(() => {
      this.corked = false
      tcp.uncork()
    })
  }

  /** Stops everything this connection started; safe to call more than once. */
  private release(): void {
    if (this.closed) return
    this.closed = true
    this.liveness.stop()
    this.ctx.metrics.wsConnections.dec()
    const auth = this.authenticated
    if (auth !== undefined) {
      auth.pump.stop()
      auth.unsubscribe()
      this.ctx.connections.unbind(auth.deviceId, this)
    }
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
