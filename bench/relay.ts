import { median, type RunFigures } from "./lib/stats"
import { portOf, rssKiB, runLoad, spawnTs, stop, tempDir } from "./lib/processes"

export interface RelayScenario {
  pairs: number
  messagesPerSender: number
  window: number
  payloadBytes: number
  repeats: number
}

export interface RelayResult {
  target: "kith" | "floor"
  runs: RunFigures[]
  rssKiB?: number
}

async function measure(target: "kith" | "floor", scenario: RelayScenario): Promise<RelayResult> {
  const runs: RunFigures[] = []
  let rss: number | undefined
  for (let r = 0; r < scenario.repeats; r++) {
    const data = tempDir("kith-bench-")
    const server =
      target === "kith"
        ? spawnTs(
            "packages/server/src/main.ts",
            ["--port", "0", "--host", "127.0.0.1", "--data-dir", data.path],
            { KITH_POW_DIFFICULTY: "1", KITH_LOG_LEVEL: "warn" },
            0,
          )
        : spawnTs("bench/floor/relay.ts", [], {}, 0)
    try {
      const port = await portOf(server)
      runs.push(
        await runLoad<RunFigures>({
          target,
          url: `${target === "kith" ? "http" : "ws"}://127.0.0.1:${port}`,
          ...scenario,
        }),
      )
      rss = rssKiB(server.pid!)
    } finally {
      await stop(server)
      data.remove()
    }
  }
  return { target, runs, rssKiB: rss }
}

/** The relay scenario: Kith and the bare floor under identical load, alternately, in one run. */
export async function relayBenchmark(scenario: RelayScenario) {
  const floor = await measure("floor", scenario)
  const kith = await measure("kith", scenario)
  const med = (result: RelayResult, key: keyof RunFigures) => median(result.runs.map((r) => r[key]))
  return {
    scenario,
    floor,
    kith,
    ratios: {
      throughput: med(kith, "perSecond") / med(floor, "perSecond"),
      p50: med(kith, "p50Ms") / med(floor, "p50Ms"),
      p99: med(kith, "p99Ms") / med(floor, "p99Ms"),
    },
  }
}
