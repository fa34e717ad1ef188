import type { WebSocket } from "ws"
import { CloseCode } from "./connectionRegistry"

export interface LivenessTimes {
  /** A socket that has not authenticated is closed once it has been silent this long. */
  wsAuthDeadlineMs: number
  /** How often the socket is pinged; one ping unanswered by the next closes it. */
  wsPingIntervalMs: number
}

export interface Liveness {
  /** The client sent a frame: an unauthenticated socket in use stays open. */
  heard(): void
  stop(): void
}

/**
 * Keeps a WebSocket honest about being alive. A socket that has not
 * authenticated is closed once it has sent nothing for the deadline: it holds
 * memory and a slot of its address's cap, and a client's anonymous socket for
 * sealed sends (docs/protocol.md [W6]) legitimately never authenticates, so
 * silence — not the missing Authenticate — is what ends it. Every socket is
 * pinged, so a peer that vanished without a close (a phone that lost its
 * network) is noticed and its resources freed.
 */
export function watchLiveness(
  socket: WebSocket,
  times: LivenessTimes,
  isAuthenticated: () => boolean,
): Liveness {
  let lastHeard = Date.now()
  let deadline: ReturnType<typeof setTimeout>
  const checkSilence = () => {
    if (isAuthenticated()) return
    const silentMs = Date.now() - lastHeard
    if (silentMs >= times.wsAuthDeadlineMs) socket.close(CloseCode.authTimeout, "authenticate or send sooner")
    else deadline = setTimeout(checkSilence, times.wsAuthDeadlineMs - silentMs)
  }
  deadline = setTimeout(checkSilence, times.wsAuthDeadlineMs)

  let answered = true
  const onPong = () => {
    answered = true
  }
  socket.on("pong", onPong)
  const pinger = setInterval(() => {
    if (!answered) {
      // No close handshake with a peer that is gone: drop the socket now.
      socket.terminate()
      return
    }
    answered = false
    socket.ping()
  }, times.wsPingIntervalMs)
  return {
    heard: () => {
      lastHeard = Date.now()
    },
    stop: () => {
      clearTimeout(deadline)
      clearInterval(pinger)
      socket.off("pong", onPong)
    },
  }
}
