import { runLoad, spawnTs, portOf, stop, tempDir } from "./lib/processes"
import { median, type RunFigures } from "./lib/stats"
import { createTestDatabase } from "../packages/server/src/testing/postgresDatabase"
import { clearPrefix, testRedisPrefix, testRedisUrl } from "../packages/server/src/testing/redisPrefix"
import { connectRedis } from "../packages/server/src/cluster/redisClient"

export interface ClusterScenario {
  pairs: number
  messagesPerSender: number
  window: number
  payloadBytes: number
  repeats: number
}

/** The one load generator (bench/load.ts), with each pair's devices on the given nodes. */
function runClusterLoad(options: ClusterScenario & { urls: string[] }): Promise<RunFigures> {
  return runLoad<RunFigures>({ target: "kith", url: options.urls[0], ...options })
}

function node(env: Record<string, string>, dataDir: string, core: number) {
  return spawnTs(
    "packages/server/src/main.ts",
    ["--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir],
    { KITH_POW_DIFFICULTY: "1", KITH_LOG_LEVEL: "warn", KITH_WEB_DIR: "", ...env },
    core,
  )
}

/** One node on SQLite: the baseline, under the same load generator. */
async function singleNode(scenario: ClusterScenario): Promise<RunFigures> {
  const data = tempDir("kith-bench-single-")
  const server = node({}, data.path, 0)
  try {
    const url = `http://127.0.0.1:${await portOf(server)}`
    return await runClusterLoad({ ...scenario, urls: [url] })
  } finally {
    await stop(server)
    data.remove()
  }
}

/** Two nodes on one PostgreSQL database and one Redis; every message crosses from one node to the other. */
async function twoNodes(scenario: ClusterScenario): Promise<RunFigures> {
  const database = await createTestDatabase()
  const prefix = testRedisPrefix()
  const env = { KITH_DATABASE_URL: database.url, KITH_REDIS_URL: testRedisUrl, KITH_REDIS_PREFIX: prefix }
  const data = [tempDir("kith-bench-a-"), tempDir("kith-bench-b-")]
  const first = node(env, data[0]!.path, 0)
  const nodes = [first]
  try {
    const a = await portOf(first) // the first node migrates; then the second starts
    const second = node(env, data[1]!.path, 1)
    nodes.push(second)
    const b = await portOf(second)
    return await runClusterLoad({ ...scenario, urls: [`http://127.0.0.1:${a}`, `http://127.0.0.1:${b}`] })
  } finally {
    for (const n of nodes) await stop(n)
    for (const d of data) d.remove()
    await database.drop()
    const redis = await connectRedis(testRedisUrl, () => undefined)
    await clearPrefix(redis, prefix)
    redis.disconnect()
  }
}

/** The two-node scenario beside the single-node SQLite one, alternately, in one run. */
export async function clusterBenchmark(scenario: ClusterScenario) {
  const single: RunFigures[] = []
  const cluster: RunFigures[] = []
  for (let r = 0; r < scenario.repeats; r++) {
    single.push(await singleNode(scenario))
    cluster.push(await twoNodes(scenario))
  }
  const med = (runs: RunFigures[], key: keyof RunFigures) => median(runs.map((x) => x[key]))
  return {
    scenario,
    single: { runs: single },
    cluster: { runs: cluster },
    ratios: {
      throughput: med(cluster, "perSecond") / med(single, "perSecond"),
      p50: med(cluster, "p50Ms") / med(single, "p50Ms"),
      p99: med(cluster, "p99Ms") / med(single, "p99Ms"),
    },
  }
}

export type ClusterReport = Awaited<ReturnType<typeof clusterBenchmark>>

/** The markdown section: every two-node figure beside the single-node one. */
export function renderClusterMarkdown(report: ClusterReport): string {
  const s = report.scenario
  const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : "—")
  const range = (runs: RunFigures[], key: keyof RunFigures, digits: number) => {
    const values = runs.map((r) => r[key])
    return `${fmt(Math.min(...values), digits)} / ${fmt(median(values), digits)} / ${fmt(Math.max(...values), digits)}`
  }
  const row = (label: string, key: keyof RunFigures, digits: number, ratio: number) =>
    `| ${label} | ${range(report.cluster.runs, key, digits)} | ${range(report.single.runs, key, digits)} | ${fmt(ratio, 2)} |`
  return [
    `## Cluster: two nodes on PostgreSQL + Redis vs one node on SQLite — ${s.pairs} pairs split across the nodes, window ${s.window}, ${s.payloadBytes}-byte payloads, ${s.pairs * 2 * s.messagesPerSender} messages per run, ${s.repeats} runs`,
    "",
    "| figure | two nodes (PostgreSQL + Redis, every message crosses nodes) | one node (SQLite) | two / one |",
    "|---|---|---|---|",
    row("delivered msg/s", "perSecond", 0, report.ratios.throughput),
    row("p50 latency ms", "p50Ms", 2, report.ratios.p50),
    row("p99 latency ms", "p99Ms", 2, report.ratios.p99),
    "",
  ].join("\n")
}
