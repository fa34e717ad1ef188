import type { KithClient } from "@kith/core"
import type { ConnectionState } from "./viewTypes"

export interface ConnectionWatchDeps {
  /** The engine while it is open. */
  client: () => KithClient | undefined
  /** Whether the engine's socket says it is connected. */
  engineOnline: () => boolean
  show: (connection: ConnectionState) => void
}

/**
 * Follows the browser's online and offline flags, which are faster than a
 * socket noticing; the engine's word decides when Kith is back. Returns the
 * function that stops listening.
 */
export function watchConnection(deps: ConnectionWatchDeps): () => void {
  let reconnecting = false
  /**
   * A connection attempt made while the network was down can hang with no
   * answer; when the browser says it is back, start afresh rather than wait
   * for that attempt to time out.
   */
  const reconnect = async () => {
    const client = deps.client()
    if (!client || reconnecting) return
    reconnecting = true
    try {
      await client.close()
      if (deps.client() === client) await client.connect()
    } catch (e) {
      console.warn("reconnect", e)
    } finally {
      reconnecting = false
    }
  }
  const online = () => {
    deps.show(deps.engineOnline() ? "online" : "connecting")
    if (!deps.engineOnline()) void reconnect()
  }
  const offline = () => deps.show("offline")
  addEventListener("online", online)
  addEventListener("offline", offline)
  return () => {
    removeEventListener("online", online)
    removeEventListener("offline", offline)
  }
}
