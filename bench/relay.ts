import { median, type RunFigures } from "./lib/stats"
import { measureIdle, portOf, rssKiB, runLoad, spawnTs, stop, tempDir } from "./lib/processes"
import { freePort } from "./lib/collectGarbage"

export interface RelayScenario {
  /** Devices (in pairs) of the closed-loop runs, e.g. [200, 1000]. */
  sizes: number[]
  /** Measured messages per closed-loop run (over all devices), after the warm-up. */
  messages: number
  warmupPerSender: number
  window: number
  payloadBytes: number
  repeats: number
  /** Runs at the largest size (fewer: they take longest). */
  largestRepeats: number
  /** Devices of the open-loop and soak runs. */
  openLoopDevices: number
  /** Measured messages of the open-loop run. */
  openLoopMessages: number
  soakSeconds: number
  idleDevices: number
}

/** What the load generator reports, plus what only some runs have. */
export interface LoadFigures extends RunFigures {
  errors: number
  loadCpuSecondsPerSecond: number
  serverCpuSecondsPer10k?: number
  rssSamplesKiB?: number[]
}

export interface SizeResult {
  devices: number
  runs: LoadFigures[]
}

export interface TargetResult {
  closedLoop: SizeResult[]
  openLoop: { rate: number; runs: LoadFigures[] }
  soak?: { rate: number; seconds: number; figures: LoadFigures; rssStartKiB: number; rssEndKiB: number }
  idle?: Awaited<ReturnType<typeof measureIdle>>
  rssAfterKiB?: number
}

/** Each server listens for an inspector on `inspectPort`, through which the idle figure collects its garbage. */
function startServer(target: "kith" | "floor", dataDir: string, inspectPort: number) {
  const inspect = [`--inspect=127.0.0.1:${inspectPort}`]
  return target === "kith"
    ? spawnTs(
        "packages/server/src/main.ts",
        ["--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir],
        {
          KITH_POW_DIFFICULTY: "1",
          KITH_LOG_LEVEL: "warn",
          KITH_WEB_DIR: "",
          // Every device of the bench registers from one address.
          KITH_ANONYMOUS_REQUESTS_PER_MINUTE: "100000000",
        },
        0,
        "ignore",
        inspect,
      )
    : spawnTs("bench/floor/relay.ts", [], {}, 0, "ignore", inspect)
}

/**
 * Every relay figure of one target against ONE server process (registering
 * devices is slow, so the runs share them): idle connections, closed-loop
 * saturation at each size, then the open loop at the given rate and the soak.
 */
async function measure(
  target: "kith" | "floor",
  scenario: RelayScenario,
  openLoopRate: (closed: SizeResult[]) => number,
): Promise<TargetResult> {
  const data = tempDir(`kith-bench-${target}-`)
  const inspectPort = await freePort()
  const server = startServer(target, data.path, inspectPort)
  const pid = server.pid!
  const devicesFile = `${data.path}/devices.json`
  try {
    const port = await portOf(server)
    const url = `${target === "kith" ? "http" : "ws"}://127.0.0.1:${port}`
    const load = (devices: number, extra: object) =>
      runLoad<LoadFigures>({
        target,
        url,
        pairs: devices / 2,
        window: scenario.window,
        payloadBytes: scenario.payloadBytes,
        warmupPerSender: scenario.warmupPerSender,
        serverPids: [pid],
        devicesFile,
        ...extra,
      })
    // Idle first, while the heap holds no garbage from the load runs (it would hide a few MiB).
    const idle =
      scenario.idleDevices > 0
        ? await measureIdle({ target, url, devices: scenario.idleDevices, devicesFile }, pid, inspectPort)
        : undefined
    const closedLoop: SizeResult[] = []
    for (const devices of scenario.sizes) {
      const runs: LoadFigures[] = []
      const repeats = devices === Math.max(...scenario.sizes) ? scenario.largestRepeats : scenario.repeats
      for (let r = 0; r < repeats; r++) {
        runs.push(await load(devices, { messagesPerSender: Math.ceil(scenario.messages / devices) }))
        console.log(`relay ${target} C=${devices}: ${Math.round(runs.at(-1)!.perSecond)} msg/s`)
      }
      closedLoop.push({ devices, runs })
    }
    const rate = Math.round(openLoopRate(closedLoop))
    const openRuns: LoadFigures[] = []
    for (let r = 0; r < scenario.repeats; r++) {
      openRuns.push(
        await load(scenario.openLoopDevices, {
          openLoopRate: rate,
          messagesPerSender: Math.ceil(scenario.openLoopMessages / scenario.openLoopDevices),
        }),
      )
      console.log(`relay ${target} open loop at ${rate} msg/s: p99 ${openRuns.at(-1)!.p99Ms.toFixed(1)} ms`)
    }
    let soak: TargetResult["soak"]
    if (target === "kith" && scenario.soakSeconds > 0) {
      const rssStartKiB = rssKiB(pid) ?? NaN
      const figures = await load(scenario.openLoopDevices, {
        openLoopRate: rate,
        messagesPerSender: Math.ceil((rate * scenario.soakSeconds) / scenario.openLoopDevices),
        soakSampleMs: 5000,
      })
      soak = { rate, seconds: scenario.soakSeconds, figures, rssStartKiB, rssEndKiB: rssKiB(pid) ?? NaN }
      console.log(`relay soak: ${figures.errors} errors, RSS ${rssStartKiB} → ${soak.rssEndKiB} KiB`)
    }
    return { closedLoop, openLoop: { rate, runs: openRuns }, soak, idle, rssAfterKiB: rssKiB(pid) }
  } finally {
    await stop(server)
    data.remove()
  }
}

/**
 * The relay section: Kith, then the bare floor under the identical load (the
 * same sizes, the same open-loop rate: half of Kith's saturation at
 * `openLoopDevices`), each in its own server process pinned to core 0, the
 * load generator pinned to core 1.
 */
export async function relayBenchmark(scenario: RelayScenario) {
  const halfOfSaturation = (closed: SizeResult[]) => {
    const at = closed.find((s) => s.devices === scenario.openLoopDevices) ?? closed[0]!
    return median(at.runs.map((r) => r.perSecond)) / 2
  }
  const kith = await measure("kith", scenario, halfOfSaturation)
  const floor = await measure("floor", scenario, () => kith.openLoop.rate)
  const ratio = (key: keyof RunFigures, size: number) => {
    const of = (t: TargetResult) =>
      median(t.closedLoop.find((s) => s.devices === size)!.runs.map((r) => r[key]))
    return of(kith) / of(floor)
  }
  return {
    scenario,
    kith,
    floor,
    ratios: Object.fromEntries(
      scenario.sizes.map((size) => [
        size,
        { throughput: ratio("perSecond", size), p50: ratio("p50Ms", size), p99: ratio("p99Ms", size) },
      ]),
    ),
  }
}

export type RelayReport = Awaited<ReturnType<typeof relayBenchmark>>
