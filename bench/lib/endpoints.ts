import { existsSync, readFileSync, writeFileSync } from "node:fs"
import WebSocket from "ws"
import { fromBase64Url, Limits, toBase64Url } from "@kith/protocol"
import { FrameSocket, registerBenchAccount, type BenchDevice } from "./kithDevice"

/** One device of the load: sends to its partner; `onReceived` fires when a message for it arrives. */
export interface Endpoint {
  send(payload: Uint8Array): void
  onReceived: () => void
  /** Error replies it got (each refused message was sent again after the hint). */
  errors(): number
}

/** Registrations at once: enough to keep both cores busy, few enough not to trip the server's limits. */
const REGISTER_CONCURRENCY = 16

export async function registerMany(urlOf: (i: number) => string, count: number): Promise<BenchDevice[]> {
  const devices: BenchDevice[] = new Array(count)
  // Accounts small enough that every worker has one to register.
  const perAccount = Math.max(
    1,
    Math.min(Limits.maxDevicesPerAccount, Math.floor(count / REGISTER_CONCURRENCY)),
  )
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(REGISTER_CONCURRENCY, count) }, async () => {
      while (next < count) {
        const first = next
        const size = Math.min(perAccount, count - first)
        next += size
        const made = await registerBenchAccount(urlOf(first), size)
        made.forEach((device, k) => (devices[first + k] = device))
      }
    }),
  )
  return devices
}

/**
 * `count` registered devices of one server: those listed in `file` (from an
 * earlier run against the same server), then new ones, and the file updated.
 * Registering is the slow part of a run (signatures checked in JavaScript),
 * so runs against one server share their devices.
 */
export async function devicesFor(url: string, count: number, file?: string): Promise<BenchDevice[]> {
  type Saved = { deviceId: string; deliveryToken: string; token: string }
  const known: BenchDevice[] =
    file && existsSync(file)
      ? (JSON.parse(readFileSync(file, "utf8")) as Saved[]).map((d) => ({
          deviceId: fromBase64Url(d.deviceId)!,
          deliveryToken: fromBase64Url(d.deliveryToken)!,
          token: d.token,
        }))
      : []
  if (known.length < count) {
    known.push(...(await registerMany(() => url, count - known.length)))
    if (file) {
      const saved: Saved[] = known.map((d) => ({
        deviceId: toBase64Url(d.deviceId),
        deliveryToken: toBase64Url(d.deliveryToken),
        token: d.token,
      }))
      writeFileSync(file, JSON.stringify(saved))
    }
  }
  return known.slice(0, count)
}

/** An authenticated socket of a device, its mailbox acknowledged as entries arrive. */
export async function openMailbox(url: string, device: BenchDevice): Promise<FrameSocket> {
  const socket = await FrameSocket.open(url)
  // What an earlier run left unacknowledged comes first: acknowledge it, and start after CaughtUp.
  const caughtUp = new Promise<void>((resolve) => {
    socket.onPush = (frame) => {
      if (frame.body.case === "entry")
        socket.send({ case: "ack", value: { seqs: [frame.body.value.seq] } } as never)
      if (frame.body.case === "caughtUp") resolve()
    }
  })
  const reply = await socket.request({ case: "authenticate", value: { sessionToken: device.token } } as never)
  if (reply.body.case !== "ok") throw new Error(`authenticate: ${JSON.stringify(reply.body.value)}`)
  await caughtUp
  return socket
}

/**
 * Kith endpoints: each device on one authenticated WebSocket, sending sealed
 * deliveries (with the partner's delivery token) to its partner and
 * acknowledging what it receives, as clients do. (Clients send sealed
 * deliveries over a second, anonymous socket; the server closes sockets that
 * do not authenticate within its deadline, which would cut a long run.)
 */
export async function connectKith(
  options: { url: string; urls?: string[]; pairs: number; devicesFile?: string },
  received: (payload: Uint8Array) => void,
): Promise<Endpoint[][]> {
  const urlOf = (i: number) => (options.urls ? options.urls[(i % 2) % options.urls.length]! : options.url)
  const devices = options.urls
    ? await registerMany(urlOf, options.pairs * 2)
    : await devicesFor(options.url, options.pairs * 2, options.devicesFile)
  const endpoints: Endpoint[] = []
  for (const [i, me] of devices.entries()) {
    const partner = devices[i ^ 1]!
    const socket = await openMailbox(urlOf(i), me)
    const inFlight = new Map<number, Uint8Array>()
    let errors = 0
    const send = (payload: Uint8Array) => {
      const requestId = socket.send({
        case: "send",
        value: {
          deliveries: [
            { payload, recipients: [{ deviceId: partner.deviceId, deliveryToken: partner.deliveryToken }] },
          ],
        },
      } as never)
      inFlight.set(requestId, payload)
    }
    const endpoint: Endpoint = { send, onReceived: () => {}, errors: () => errors }
    let acks: bigint[] = []
    socket.onPush = (frame) => {
      switch (frame.body.case) {
        case "entry":
          received(frame.body.value.payload)
          acks.push(frame.body.value.seq)
          // One Ack frame for whatever arrived in the same turn of the event loop.
          if (acks.length === 1)
            queueMicrotask(() => {
              socket.send({ case: "ack", value: { seqs: acks } } as never)
              acks = []
            })
          endpoint.onReceived()
          return
        case "ok":
          inFlight.delete(frame.requestId)
          return
        case "error": {
          errors++
          const payload = inFlight.get(frame.requestId)
          inFlight.delete(frame.requestId)
          // A refused send (KITH_ERR_OVERLOADED) goes again after the server's hint, as clients do.
          if (payload) setTimeout(() => send(payload), frame.body.value.retryAfterMs || 100)
          return
        }
        default:
          return
      }
    }
    endpoints.push(endpoint)
  }
  const pairs: Endpoint[][] = []
  for (let p = 0; p < endpoints.length; p += 2) pairs.push([endpoints[p]!, endpoints[p + 1]!])
  return pairs
}

/** Opens a socket to the floor relay and registers its 16-byte id. */
export function openFloorSocket(url: string, id: Uint8Array): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once("open", () => {
      ws.send(id)
      resolve(ws)
    })
    ws.once("error", reject)
  })
}

/** Floor endpoints: a frame is the partner's 16-byte id then the payload, forwarded as is. */
export async function connectFloor(
  url: string,
  pairCount: number,
  received: (payload: Uint8Array) => void,
): Promise<Endpoint[][]> {
  const pairs: Endpoint[][] = []
  for (let p = 0; p < pairCount; p++) {
    const ids = [crypto.getRandomValues(new Uint8Array(16)), crypto.getRandomValues(new Uint8Array(16))]
    const sockets = [await openFloorSocket(url, ids[0]!), await openFloorSocket(url, ids[1]!)]
    const endpoints = sockets.map((ws, i): Endpoint => {
      const partnerId = ids[1 - i]!
      return {
        onReceived: () => {},
        errors: () => 0,
        send: (payload) => {
          const frame = new Uint8Array(16 + payload.length)
          frame.set(partnerId)
          frame.set(payload, 16)
          ws.send(frame)
        },
      }
    })
    sockets.forEach((ws, i) =>
      ws.on("message", (data: Buffer) => {
        received(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        endpoints[i]!.onReceived()
      }),
    )
    pairs.push(endpoints)
  }
  // The relay registers ids asynchronously; give it a moment before traffic starts.
  await new Promise((r) => setTimeout(r, 200))
  return pairs
}
