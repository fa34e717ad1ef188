/**
 * The load generator, run in its own process: `tsx bench/load.ts <json>` with
 * { target: "kith" | "floor", url, urls?, pairs, messagesPerSender, window, payloadBytes }.
 * With `urls` (Kith only), the two devices of a pair connect to urls[0] and
 * urls[1], so every message crosses nodes (the cluster scenario).
 * Devices are paired; each device keeps `window` messages in flight to its
 * partner (closed loop) until it has sent `messagesPerSender`. Latency is from
 * the send call to the partner's receipt of the payload. Prints one JSON line.
 */
import WebSocket from "ws"
import { FrameSocket, registerBenchDevice, type BenchDevice } from "./lib/kithDevice"
import { summarise } from "./lib/stats"

interface LoadOptions {
  target: "kith" | "floor"
  url: string
  /** Kith only: device i of each pair uses urls[i % urls.length] instead of url. */
  urls?: string[]
  pairs: number
  messagesPerSender: number
  window: number
  payloadBytes: number
}

const options = JSON.parse(process.argv[2]!) as LoadOptions
const latencies: number[] = []
const total = options.pairs * 2 * options.messagesPerSender

/** Stamps the payload with the send time so the receiver can measure latency without shared state. */
function payload(): Uint8Array {
  const bytes = new Uint8Array(options.payloadBytes)
  crypto.getRandomValues(bytes.subarray(8))
  new DataView(bytes.buffer).setFloat64(0, performance.now())
  return bytes
}

function stampOf(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0)
}

interface Endpoint {
  send(): void
  onDelivered: () => void
}

async function kithEndpoints(): Promise<Endpoint[][]> {
  const pairs: Endpoint[][] = []
  const nodeOf = (i: number) => (options.urls ? options.urls[i % options.urls.length]! : options.url)
  for (let p = 0; p < options.pairs; p++) {
    const devices: BenchDevice[] = [
      await registerBenchDevice(nodeOf(0)),
      await registerBenchDevice(nodeOf(1)),
    ]
    const endpoints: Endpoint[] = []
    for (const [i, me] of devices.entries()) {
      const partner = devices[1 - i]!
      const inbox = await FrameSocket.open(nodeOf(i))
      const outbox = await FrameSocket.open(nodeOf(i)) // sealed sends: unauthenticated, as real clients do
      const endpoint: Endpoint = {
        onDelivered: () => {},
        send: () =>
          outbox.send({
            case: "send",
            value: {
              deliveries: [
                {
                  payload: payload(),
                  recipients: [{ deviceId: partner.deviceId, deliveryToken: partner.deliveryToken }],
                },
              ],
            },
          } as never),
      }
      let acks: bigint[] = []
      inbox.onPush = (frame) => {
        if (frame.body.case !== "entry") return
        latencies.push(performance.now() - stampOf(frame.body.value.payload))
        acks.push(frame.body.value.seq)
        if (acks.length === 1)
          queueMicrotask(() => {
            inbox.send({ case: "ack", value: { seqs: acks } } as never)
            acks = []
          })
        endpoints[1 - i]!.onDelivered()
      }
      await inbox.request({ case: "authenticate", value: { sessionToken: me.token } } as never)
      endpoints.push(endpoint)
    }
    pairs.push(endpoints)
  }
  return pairs
}

async function floorEndpoints(): Promise<Endpoint[][]> {
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url)
      ws.once("open", () => resolve(ws))
      ws.once("error", reject)
    })
  const pairs: Endpoint[][] = []
  for (let p = 0; p < options.pairs; p++) {
    const ids = [crypto.getRandomValues(new Uint8Array(16)), crypto.getRandomValues(new Uint8Array(16))]
    const sockets = [await open(), await open()]
    const endpoints: Endpoint[] = []
    for (const [i, ws] of sockets.entries()) {
      ws.send(ids[i]!)
      const partnerId = ids[1 - i]!
      endpoints.push({
        onDelivered: () => {},
        send: () => {
          const frame = new Uint8Array(16 + options.payloadBytes)
          frame.set(partnerId)
          frame.set(payload(), 16)
          ws.send(frame)
        },
      })
      ws.on("message", (data: Buffer) => {
        latencies.push(
          performance.now() - stampOf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
        )
        endpoints[1 - i]!.onDelivered()
      })
    }
    pairs.push(endpoints)
  }
  // The relay registers ids asynchronously; give it a moment before traffic starts.
  await new Promise((r) => setTimeout(r, 200))
  return pairs
}

async function main() {
  const pairs = options.target === "kith" ? await kithEndpoints() : await floorEndpoints()
  const started = performance.now()
  await new Promise<void>((resolve) => {
    let delivered = 0
    for (const endpoints of pairs) {
      for (const endpoint of endpoints) {
        let sent = 0
        const next = () => {
          if (sent < options.messagesPerSender) {
            sent++
            endpoint.send()
          }
        }
        endpoint.onDelivered = () => {
          delivered++
          if (delivered === total) resolve()
          next()
        }
        for (let w = 0; w < options.window; w++) next()
      }
    }
  })
  const seconds = (performance.now() - started) / 1000
  console.log(JSON.stringify(summarise(latencies, seconds)))
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
