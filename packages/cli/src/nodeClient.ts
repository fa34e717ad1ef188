import { SqliteStore, nodeWebSocket as coreNodeWebSocket } from "@kith/core/node"

/** The Node pieces the engine needs here: a SQLite store file and the `ws` WebSocket. */
export function openNodeStore(path: string): SqliteStore {
  return new SqliteStore(path)
}

export const nodeWebSocket = coreNodeWebSocket
