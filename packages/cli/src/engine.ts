import type { KithClient } from "@kith/core"
import type { SqliteStore } from "@kith/core/node"

/**
 * The client engine, loaded on first use: importing it (MLS, post-quantum
 * crypto, codecs) takes most of a second, which help, --version and usage
 * errors need not pay.
 */
export interface Engine {
  SqliteStore: typeof SqliteStore
  /** Opens the engine on a store with Node's WebSocket. */
  open(serverUrl: string, store: SqliteStore): Promise<KithClient>
  /** Enrols an empty store as a new device of the account behind a link code. */
  link(serverUrl: string, store: SqliteStore, code: string): Promise<KithClient>
}

export async function loadEngine(): Promise<Engine> {
  const [{ KithClient }, { SqliteStore, nodeWebSocket }] = await Promise.all([
    import("@kith/core"),
    import("@kith/core/node"),
  ])
  return {
    SqliteStore,
    open: (serverUrl, store) => KithClient.open({ serverUrl, store, webSocket: nodeWebSocket }),
    link: (serverUrl, store, code) =>
      KithClient.linkDevice({ serverUrl, store, code, webSocket: nodeWebSocket }),
  }
}
