import WebSocket from "ws"
import type { WebSocketConstructor } from "../socket"

/** Node 20 has no global WebSocket: the engine takes `ws`'s, which speaks the same API. */
export const nodeWebSocket = WebSocket as unknown as WebSocketConstructor
