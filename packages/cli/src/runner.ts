import type { Command } from "commander"
import { ErrorCode, KithError } from "@kith/protocol"
import type { KithClient } from "@kith/core"
import type { SqliteStore } from "@kith/core/node"
import type { CliContext } from "./context"
import { loadEngine, type Engine } from "./engine"
import type { Home } from "./home"
import type { Printable } from "./output"

/** An opened device: the engine plus where it lives. */
export interface Device {
  client: KithClient
  home: Home
  serverUrl: string
}

export interface DeviceOptions {
  /** Called after the client is opened and before it connects (to subscribe to events). */
  beforeConnect?: (client: KithClient) => void
  /** Don't connect at all: the command reads only what this device already knows. */
  offline?: boolean
}

/**
 * The shared shape of nearly every command: open the device stored in --home,
 * connect, catch up with the mailbox, run, close — and print what the command
 * returned. The client is closed even when the command fails.
 */
export async function withDevice(
  ctx: CliContext,
  command: Command,
  run: (device: Device) => Promise<Printable | void>,
  options: DeviceOptions = {},
): Promise<void> {
  const home = ctx.home(command)
  if (!home.hasDevice()) {
    throw new KithError(
      ErrorCode.NotRegistered,
      `no Kith account in ${home.dir}: run "kith register", "kith restore" or "kith device link" first`,
    )
  }
  const serverUrl = ctx.serverUrl(command, home)
  const engine = await loadEngine()
  const store = new engine.SqliteStore(home.storePath)
  try {
    const client = await engine.open(serverUrl, store)
    try {
      options.beforeConnect?.(client)
      if (!options.offline) {
        await client.connect()
        await client.sync()
      }
      const printable = await run({ client, home, serverUrl })
      if (printable) ctx.output.result(printable)
    } finally {
      await client.close()
    }
  } finally {
    await store.close()
  }
}

/**
 * For commands that put a new device into a home (register, restore, link):
 * the home must not hold one yet — overwriting it would destroy that
 * account's keys. The server URL is remembered once the device exists.
 */
export async function withNewDevice(
  ctx: CliContext,
  command: Command,
  run: (setup: { serverUrl: string; store: SqliteStore; engine: Engine }) => Promise<Printable>,
): Promise<void> {
  const home = ctx.home(command)
  if (home.hasDevice()) {
    throw new KithError(
      ErrorCode.Conflict,
      `${home.dir} already holds a Kith account; use another --home for a new one`,
    )
  }
  const serverUrl = ctx.serverUrl(command, home)
  const engine = await loadEngine()
  home.createStoreFile()
  const store = new engine.SqliteStore(home.storePath)
  let printable: Printable
  try {
    printable = await run({ serverUrl, store, engine })
  } catch (e) {
    await store.close()
    // A half-made device is useless and would block the next attempt.
    home.wipe()
    throw e
  }
  await store.close()
  home.writeConfig({ serverUrl })
  ctx.output.result(printable)
}
