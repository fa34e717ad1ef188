export { SqliteStore } from "./sqliteStore"
export { nodeWebSocket } from "./nodeWebSocket"
export { fileSource } from "./fileSource"
