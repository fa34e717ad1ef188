/**
 * The cluster load generator, run in its own process:
 * `tsx bench/clusterLoad.ts <json>` with { urls, pairs, messagesPerSender, window, payloadBytes }.
 * Like load.ts's Kith run, but every pair straddles two nodes: one device is
 * connected to urls[0], its partner to urls[1] (with one url, both to it),
 * and each device sends through its own node, so every message crosses
 * nodes through the bus. Latency is from send to the partner's receipt.
 * Prints one JSON line.
 */
import { FrameSocket, registerBenchDevice, type BenchDevice } from "./lib/kithDevice"
import { summarise } from "./lib/stats"

interface ClusterLoadOptions {
  urls: string[]
  pairs: number
  messagesPerSender: number
  window: number
  payloadBytes: number
}

const options = JSON.parse(process.argv[2]!) as ClusterLoadOptions
const latencies: number[] = []
const total = options.pairs * 2 * options.messagesPerSender

function payload(): Uint8Array {
  const bytes = new Uint8Array(options.payloadBytes)
  crypto.getRandomValues(bytes.subarray(8))
  new DataView(bytes.buffer).setFloat64(0, performance.now())
  return bytes
}

interface Endpoint {
  send(): void
  onDelivered: () => void
}

async function endpoints(): Promise<Endpoint[][]> {
  const pairs: Endpoint[][] = []
  const nodeOf = (i: number) => options.urls[i % options.urls.length]!
  for (let p = 0; p < options.pairs; p++) {
    const devices: BenchDevice[] = [
      await registerBenchDevice(nodeOf(0)),
      await registerBenchDevice(nodeOf(1)),
    ]
    const endpoints: Endpoint[] = []
    for (const [i, me] of devices.entries()) {
      const partner = devices[1 - i]!
      const inbox = await FrameSocket.open(nodeOf(i))
      const outbox = await FrameSocket.open(nodeOf(i))
      endpoints.push({
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
      })
      let acks: bigint[] = []
      inbox.onPush = (frame) => {
        if (frame.body.case !== "entry") return
        const bytes = frame.body.value.payload
        latencies.push(performance.now() - new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0))
        acks.push(frame.body.value.seq)
        if (acks.length === 1)
          queueMicrotask(() => {
            inbox.send({ case: "ack", value: { seqs: acks } } as never)
            acks = []
          })
        endpoints[1 - i]!.onDelivered()
      }
      await inbox.request({ case: "authenticate", value: { sessionToken: me.token } } as never)
    }
    pairs.push(endpoints)
  }
  return pairs
}

async function main() {
  const pairs = await endpoints()
  const started = performance.now()
  await new Promise<void>((resolve) => {
    let delivered = 0
    for (const pair of pairs) {
      for (const endpoint of pair) {
        let sent = 0
        const next = () => {
          if (sent < options.messagesPerSender) {
            sent++
            endpoint.send()
          }
        }
        endpoint.onDelivered = () => {
          if (++delivered === total) resolve()
          next()
        }
        for (let w = 0; w < options.window; w++) next()
      }
    }
  })
  console.log(JSON.stringify(summarise(latencies, (performance.now() - started) / 1000)))
  process.exit(0)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
