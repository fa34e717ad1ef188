/**
 * Idle connections, run in its own process: `tsx bench/idle.ts <json>` with
 * { target: "kith" | "floor", url, devices, devicesFile? }. Prints
 * {"phase":"ready"} once the devices exist (Kith: registered), then on the
 * line "connect" from stdin opens one socket per device — authenticated, for
 * Kith — and prints {"phase":"connected"}; on "close" it exits. The parent
 * reads the server's memory between the two phases.
 */
import { createInterface } from "node:readline"
import { devicesFor, openFloorSocket, openMailbox } from "./lib/endpoints"

interface IdleOptions {
  target: "kith" | "floor"
  url: string
  devices: number
  devicesFile?: string
}

const options = JSON.parse(process.argv[2]!) as IdleOptions
/** Sockets opening at once. */
const CONCURRENCY = 64

async function openAll(count: number, open: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const sockets: unknown[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) sockets.push(await open(next++))
    }),
  )
  return sockets
}

async function main() {
  const devices =
    options.target === "kith" ? await devicesFor(options.url, options.devices, options.devicesFile) : []
  console.log(JSON.stringify({ phase: "ready" }))
  const lines = createInterface({ input: process.stdin })
  let sockets: unknown[] = []
  for await (const line of lines) {
    if (line === "connect") {
      sockets = await openAll(options.devices, (i) =>
        options.target === "kith"
          ? openMailbox(options.url, devices[i]!)
          : openFloorSocket(options.url, crypto.getRandomValues(new Uint8Array(16))),
      )
      console.log(JSON.stringify({ phase: "connected", sockets: sockets.length }))
    }
    if (line === "close") process.exit(0)
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
