import type { ServerConfig } from "@kith/server"
import { afterAll, beforeAll } from "vitest"
import type { KithClient } from "../client"
import { befriend, newUser, startTestServer, type TestOptions, type TestServer } from "../node/testHarness"

export interface ServerForFile {
  /** The file's server; only there once its tests run (not while they are collected). */
  readonly server: TestServer
  /** A registered, connected client with a username, closed after the file's last test. */
  user(name: string, options?: TestOptions): Promise<KithClient>
  /** Alice and Bob, friends, and the id of their chat. */
  twoFriends(): Promise<{ alice: KithClient; bob: KithClient; chat: string }>
  /** Closes a client made some other way (a linked device) with the rest. */
  keep<C extends KithClient>(client: C): C
  /** Leaves out of the closing a client the test closes itself. */
  forget(client: KithClient): void
}

/**
 * What most integration test files share: one real server for the whole file,
 * started before its first test, and every client its tests make, closed
 * with the server after the last one. Call it at the top of a test file.
 */
export function serverForFile(config: Partial<ServerConfig> = {}): ServerForFile {
  let started: TestServer | undefined
  const clients = new Set<KithClient>()
  beforeAll(async () => {
    started = await startTestServer(config)
  })
  afterAll(async () => {
    await Promise.all([...clients].map((c) => c.close()))
    await started?.close()
  })
  const file: ServerForFile = {
    get server() {
      if (!started) throw new Error("the test server starts before the file's first test")
      return started
    },
    async user(name, options = {}) {
      return file.keep(await newUser(file.server, name, options))
    },
    async twoFriends() {
      const alice = await file.user("Alice")
      const bob = await file.user("Bob")
      return { alice, bob, chat: await befriend(alice, bob) }
    },
    keep(client) {
      clients.add(client)
      return client
    },
    forget(client) {
      clients.delete(client)
    },
  }
  return file
}
