export { SqliteStore } from "./sqliteStore"
export { nodeWebSocket } from "./nodeWebSocket"
