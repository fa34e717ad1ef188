import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startServer, type ServerConfig } from "@kith/server"
import { KithClient, type KithClientOptions } from "../client"
import type { KithEvent } from "../events"
import { nodeWebSocket } from "./nodeWebSocket"
import { MemoryStore, type Store } from "../store"

/**
 * Integration tests run real clients against a real server on a random port
 * with its own SQLite directory; this file holds the little they share.
 */
export interface TestServer {
  url: string
  dir: string
  /** Stops the server and starts it again on the same port and data (it forgets every session). */
  restart(): Promise<void>
  close(): Promise<void>
}

/** `config` overrides settings of the server (e.g. a tiny write queue to make it shed load). */
export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "kith-core-it-"))
  const start = (port: number) =>
    startServer({
      dataDir: join(dir, "server"),
      powDifficulty: 4,
      logLevel: "silent",
      anonymousRequestsPerMinute: 1_000_000,
      ...config,
      port,
    })
  let server = await start(0)
  return {
    url: server.url,
    dir,
    async restart() {
      await server.close()
      server = await start(server.port)
    },
    async close() {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Small key-package stock: registering many devices stays quick; top-ups are exercised too. */
export const testKeyPackages = { target: 6, lowWater: 3 }

export type TestOptions = Partial<Omit<KithClientOptions, "serverUrl">>

export async function openClient(server: TestServer, options: TestOptions = {}): Promise<KithClient> {
  return KithClient.open({
    serverUrl: server.url,
    store: options.store ?? new MemoryStore(),
    webSocket: nodeWebSocket,
    keyPackages: testKeyPackages,
    ...options,
  })
}

let usernames = 0

/** A registered, connected client with a username. */
export async function newUser(
  server: TestServer,
  name: string,
  options: TestOptions = {},
): Promise<KithClient> {
  const client = await openClient(server, options)
  await client.register({ displayName: name })
  await client.connect()
  const username = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}_${process.pid}_${usernames++}`
  await client.claimUsername(username)
  return client
}

/**
 * Resolves with the first event matching `match`. Start waiting before the
 * action that causes the event. The timeout only turns a hang into a failure;
 * nothing is asserted about time.
 */
export function nextEvent<T extends KithEvent["type"]>(
  client: KithClient,
  type: T,
  match: (event: Extract<KithEvent, { type: T }>) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<Extract<KithEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${type} event`))
    }, timeoutMs)
    const off = client.on((event) => {
      if (event.type !== type) return
      const typed = event as Extract<KithEvent, { type: T }>
      if (!match(typed)) return
      clearTimeout(timer)
      off()
      resolve(typed)
    })
  })
}

/** Makes two users friends: a sends the request, b accepts; resolves once both know it. */
export async function befriend(a: KithClient, b: KithClient): Promise<string> {
  const requested = nextEvent(b, "friend-request", (e) => e.request.accountId === a.accountId)
  const { conversationId } = await a.sendFriendRequest(b.username!, `hi from ${a.displayName}`)
  await requested
  const accepted = nextEvent(a, "friend-accepted", (e) => e.accountId === b.accountId)
  await b.acceptFriendRequest(conversationId)
  await accepted
  return conversationId
}

export function tempStorePath(server: TestServer, name: string): string {
  return join(server.dir, `${name}.sqlite`)
}

export type { Store }
