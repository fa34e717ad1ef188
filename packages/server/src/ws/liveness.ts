import type { WebSocket } from "ws"
import { CloseCode } from "./connectionRegistry"

export interface LivenessTimes {
  /** A socket that has not authenticated by then is closed. */
  wsAuthDeadlineMs: number
  /** How often the socket is pinged; one ping unanswered by the next closes it. */
  wsPingIntervalMs: number
}

/**
 * Keeps a WebSocket honest about being alive: a socket that never
 * authenticates is closed after a short deadline (it holds memory and a slot
 * of its address's cap for nothing), and every socket is pinged so a peer
 * that vanished without a close — a phone that lost its network — is noticed
 * and its resources freed. Returns a function that stops both timers.
 */
export function watchLiveness(
  socket: WebSocket,
  times: LivenessTimes,
  isAuthenticated: () => boolean,
): () => void {
  const deadline = setTimeout(() => {
    if (!isAuthenticated()) socket.close(CloseCode.authTimeout, "authenticate sooner")
  }, times.wsAuthDeadlineMs)
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
  return () => {
    clearTimeout(deadline)
    clearInterval(pinger)
    socket.off("pong", onPong)
  }
}
