/**
 * The load generator, run in its own process: `tsx bench/load.ts <json>` with
 * LoadOptions. Devices are paired and send to their partner, 300-byte-like
 * payloads stamped with a time so the receiver measures latency without shared
 * state. Prints one JSON line (RunFigures).
 *
 * - Closed loop (no `openLoopRate`): each device keeps `window` messages in
 *   flight and sends the next when one of its own arrives; latency is from
 *   the send call to the partner's receipt.
 * - Open loop (`openLoopRate` messages/s over all devices): messages go out on
 *   a fixed schedule whatever the server does, and latency is measured from
 *   the INTENDED send time, so a stalled server is charged for every message
 *   it held up (no coordinated omission).
 *
 * The first `warmupPerSender` messages of each device are not measured. With
 * `serverPids`, the server's CPU time over the measured part is reported; with
 * `soakSampleMs`, its RSS is sampled while the load runs.
 * With `urls` (Kith only), the two devices of a pair connect to urls[0] and
 * urls[1], so every message crosses nodes (the cluster scenario).
 */
import { connectFloor, connectKith, type Endpoint } from "./lib/endpoints"
import { cpuSeconds, rssOfKiB } from "./lib/procStat"
import { summarise } from "./lib/stats"

export interface LoadOptions {
  target: "kith" | "floor"
  url: string
  urls?: string[]
  pairs: number
  messagesPerSender: number
  warmupPerSender?: number
  window: number
  payloadBytes: number
  openLoopRate?: number
  serverPids?: number[]
  soakSampleMs?: number
  /** Kith: devices registered by earlier runs against the same server (see devicesFor). */
  devicesFile?: string
}

const options = JSON.parse(process.argv[2]!) as LoadOptions
const warmup = options.warmupPerSender ?? 0
const perSender = warmup + options.messagesPerSender
const senders = options.pairs * 2
const total = senders * perSender
const warmupTotal = senders * warmup
const latencies: number[] = []

/** Byte 8 of a payload: 1 when the message is measured (sent after the warm-up). */
function payload(stampMs: number, measured: boolean): Uint8Array {
  const bytes = new Uint8Array(options.payloadBytes)
  crypto.getRandomValues(bytes.subarray(16))
  new DataView(bytes.buffer).setFloat64(0, stampMs)
  bytes[8] = measured ? 1 : 0
  return bytes
}

function received(bytes: Uint8Array): void {
  if (bytes[8] === 1) {
    latencies.push(performance.now() - new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0))
  }
}

async function main() {
  const pairs =
    options.target === "kith"
      ? await connectKith(options, received)
      : await connectFloor(options.url, options.pairs, received)
  const endpoints = pairs.flat()
  const pids = options.serverPids ?? []
  let measuredFrom = performance.now()
  let cpuAtStart = 0
  let ownCpuAtStart = process.cpuUsage()
  const rssSamplesKiB: number[] = []
  const sampler =
    options.soakSampleMs === undefined
      ? undefined
      : setInterval(
          () => rssSamplesKiB.push(pids.reduce((s, p) => s + (rssOfKiB(p) ?? 0), 0)),
          options.soakSampleMs,
        )
  const startMeasuring = () => {
    measuredFrom = performance.now()
    cpuAtStart = pids.reduce((s, p) => s + cpuSeconds(p), 0)
    ownCpuAtStart = process.cpuUsage()
  }
  if (warmupTotal === 0) startMeasuring()

  await new Promise<void>((resolve) => {
    let delivered = 0
    const onDelivered = (next: () => void) => {
      delivered++
      if (delivered === warmupTotal) startMeasuring()
      if (delivered === total) resolve()
      next()
    }
    if (options.openLoopRate === undefined) closedLoop(endpoints, onDelivered)
    else openLoop(endpoints, options.openLoopRate, () => onDelivered(() => {}))
  })
  const seconds = (performance.now() - measuredFrom) / 1000
  const cpu = pids.reduce((s, p) => s + cpuSeconds(p), 0) - cpuAtStart
  const own = process.cpuUsage(ownCpuAtStart)
  if (sampler) clearInterval(sampler)
  const figures = summarise(latencies, seconds)
  const errors = endpoints.reduce((s, e) => s + e.errors(), 0)
  console.log(
    JSON.stringify({
      ...figures,
      errors,
      // The load generator's own CPU: near 1 s per second of run, it (not the server) is the limit.
      loadCpuSecondsPerSecond: (own.user + own.system) / 1e6 / seconds,
      ...(pids.length > 0 ? { serverCpuSecondsPer10k: (cpu / figures.delivered) * 10_000 } : {}),
      ...(options.soakSampleMs === undefined ? {} : { rssSamplesKiB }),
    }),
  )
  // Let the last acknowledgements reach the server, so the next run starts with empty mailboxes.
  setTimeout(() => process.exit(0), 300)
}

/** Each device keeps `window` messages in flight; one arriving at its partner lets the next go. */
function closedLoop(endpoints: Endpoint[], onDelivered: (next: () => void) => void): void {
  endpoints.forEach((endpoint, i) => {
    let sent = 0
    const next = () => {
      if (sent >= perSender) return
      endpoint.send(payload(performance.now(), sent >= warmup))
      sent++
    }
    // Endpoints come in pairs: what endpoint i sends arrives at its partner, i ^ 1.
    endpoints[i ^ 1]!.onReceived = () => onDelivered(next)
    for (let w = 0; w < options.window; w++) next()
  })
}

/** Messages go out at `rate` per second over all devices, round robin, stamped with their intended time. */
function openLoop(endpoints: Endpoint[], rate: number, onDelivered: () => void): void {
  for (const endpoint of endpoints) endpoint.onReceived = onDelivered
  const started = performance.now()
  let k = 0
  const tick = () => {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1)
    for (; k < due; k++) {
      const intended = started + (k * 1000) / rate
      endpoints[k % endpoints.length]!.send(payload(intended, k >= warmupTotal))
    }
    if (k < total) setTimeout(tick, 1)
  }
  tick()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
