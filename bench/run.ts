/**
 * `npm run bench`: Kith's speedometer. Every figure is reported beside a
 * baseline measured in the same run. Writes bench/results/latest.{json,md}.
 * BENCH_QUICK=1 runs a smaller load (for trying the harness, not for figures).
 */
import { cpus, loadavg, totalmem } from "node:os"
import { writeFileSync } from "node:fs"
import { spawnSync } from "node:child_process"
import { relayBenchmark, type RelayReport } from "./relay"
import { cryptoBenchmark, cryptoSummaryRow, renderCryptoMarkdown, type CryptoReport } from "./crypto"
import { renderMarkdown } from "./lib/report"
import { relaySummaryRows, renderRelayMarkdown } from "./lib/relayReport"
import { renderWebMarkdown, webBenchmark, type WebReport } from "./web"
import { clusterBenchmark, renderClusterMarkdown, type ClusterReport } from "./cluster"
import { mediaBenchmark, renderMediaMarkdown, type MediaReport } from "./media"

const quick = process.env.BENCH_QUICK === "1"
const only = process.env.BENCH_ONLY // "relay" | "cluster" | "crypto" | "web" | "media"

async function main() {
  const started = performance.now()
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    date: new Date().toISOString(),
    /** Other work on the machine when the run started (1-minute load average). */
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    /** Whether server and load generator were pinned to different cores. */
    pinned: spawnSync("taskset", ["--version"]).status === 0,
    quick,
  }
  console.log(
    `Kith bench on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load ${machine.loadAverage}`,
  )
  const report: Record<string, unknown> = { machine }
  if (!only || only === "relay") {
    // 200k measured messages a closed-loop run, as the goal asks; 40k for each open-loop run (a steadier p99).
    report.relay = await relayBenchmark({
      sizes: quick ? [20, 100] : [200, 1000],
      messages: quick ? 4_000 : Number(process.env.BENCH_RELAY_MESSAGES ?? 200_000),
      warmupPerSender: quick ? 5 : 20,
      window: 4,
      payloadBytes: 300,
      repeats: quick ? 1 : 3,
      largestRepeats: quick ? 1 : 2,
      openLoopDevices: quick ? 20 : 200,
      openLoopMessages: quick ? 2_000 : 40_000,
      soakSeconds: Number(process.env.BENCH_SOAK_SECONDS ?? (quick ? 10 : 300)),
      idleDevices: Number(process.env.BENCH_IDLE_DEVICES ?? (quick ? 100 : 1000)),
    })
  }
  if (!only || only === "cluster") {
    report.cluster = await clusterBenchmark({
      pairs: quick ? 10 : 50,
      messagesPerSender: quick ? 50 : 200,
      window: 4,
      payloadBytes: 300,
      repeats: quick ? 1 : 2,
    })
  }
  if (!only || only === "crypto")
    report.crypto = await cryptoBenchmark({ iterations: quick ? 20 : 200, quick })
  if (!only || only === "web")
    report.web = await webBenchmark({
      conversations: quick ? 20 : 200,
      messages: quick ? 500 : 10_000,
      repeats: quick ? 2 : 5,
    })
  if (!only || only === "media")
    report.media = await mediaBenchmark({ fileMB: quick ? 20 : 100, voiceRuns: quick ? 3 : 9 })
  const out = new URL("results/", import.meta.url)
  report.seconds = Math.round((performance.now() - started) / 1000)
  writeFileSync(new URL("latest.json", out), JSON.stringify(report, null, 2) + "\n")
  const markdown =
    renderMarkdown(report, summary(report)) +
    (report.relay ? "\n" + renderRelayMarkdown(report.relay as RelayReport) : "") +
    (report.cluster ? "\n" + renderClusterMarkdown(report.cluster as ClusterReport) : "") +
    (report.crypto ? "\n" + renderCryptoMarkdown(report.crypto as CryptoReport) : "") +
    (report.web ? "\n" + renderWebMarkdown(report.web as WebReport) : "") +
    (report.media ? "\n" + renderMediaMarkdown(report.media as MediaReport) : "")
  writeFileSync(new URL("latest.md", out), markdown)
  console.log(markdown)
}

/** The global summary: one headline figure per section, beside its baseline. */
function summary(report: Record<string, unknown>): string {
  const rows: string[] = []
  if (report.relay) rows.push(...relaySummaryRows(report.relay as RelayReport))
  const cluster = report.cluster as ClusterReport | undefined
  if (cluster)
    rows.push(
      `| cluster (two nodes / one node), delivered msg/s | | | ${cluster.ratios.throughput.toFixed(2)} |`,
    )
  if (report.crypto) rows.push(cryptoSummaryRow(report.crypto as CryptoReport))
  const web = report.web as WebReport | undefined
  if (web)
    rows.push(
      `| web: JavaScript loaded at start, gzipped KiB | ${web.startJsGzipKiB.toFixed(0)} | budget 400 | ${(web.startJsGzipKiB / 400).toFixed(2)} |`,
    )
  const media = report.media as MediaReport | undefined
  if (media)
    rows.push(
      `| media: encrypt + hash MB/s | ${media.encryption.kithMBps.toFixed(1)} | native ${media.encryption.nativeMBps.toFixed(1)} | ${(media.encryption.kithMBps / media.encryption.nativeMBps).toFixed(2)} |`,
    )
  return [
    `## Summary (whole run: ${report.seconds} s; load average ${(report.machine as { loadAverage: number }).loadAverage} when it started)`,
    "",
    "| figure | Kith | baseline | ratio |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n")
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
