/**
 * `npm run bench`: Kith's speedometer. Every figure is reported beside a
 * baseline measured in the same run. Writes bench/results/latest.{json,md}.
 * BENCH_QUICK=1 runs a smaller load (for trying the harness, not for figures).
 */
import { cpus } from "node:os"
import { writeFileSync } from "node:fs"
import { relayBenchmark } from "./relay"
import { cryptoBenchmark } from "./crypto"
import { renderMarkdown } from "./lib/report"
import { renderWebMarkdown, webBenchmark, type WebReport } from "./web"
import { clusterBenchmark, renderClusterMarkdown, type ClusterReport } from "./cluster"
import { mediaBenchmark, renderMediaMarkdown, type MediaReport } from "./media"

const quick = process.env.BENCH_QUICK === "1"
const only = process.env.BENCH_ONLY // "relay" | "cluster" | "crypto" | "web" | "media"

async function main() {
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    date: new Date().toISOString(),
  }
  console.log(`Kith bench on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`)
  const report: Record<string, unknown> = { machine }
  if (!only || only === "relay") {
    report.relay = await relayBenchmark({
      pairs: quick ? 10 : 50,
      messagesPerSender: quick ? 50 : 200,
      window: 4,
      payloadBytes: 300,
      repeats: quick ? 1 : 3,
    })
  }
  if (!only || only === "cluster") {
    report.cluster = await clusterBenchmark({
      pairs: quick ? 10 : 50,
      messagesPerSender: quick ? 50 : 200,
      window: 4,
      payloadBytes: 300,
      repeats: quick ? 1 : 3,
    })
  }
  if (!only || only === "crypto") report.crypto = await cryptoBenchmark({ iterations: quick ? 20 : 200 })
  if (!only || only === "web")
    report.web = await webBenchmark({
      conversations: quick ? 20 : 200,
      messages: quick ? 500 : 10_000,
      repeats: quick ? 2 : 5,
    })
  if (!only || only === "media")
    report.media = await mediaBenchmark({ fileMB: quick ? 20 : 100, voiceRuns: quick ? 3 : 9 })
  const out = new URL("results/", import.meta.url)
  writeFileSync(new URL("latest.json", out), JSON.stringify(report, null, 2) + "\n")
  const markdown =
    renderMarkdown(report) +
    (report.cluster ? "\n" + renderClusterMarkdown(report.cluster as ClusterReport) : "") +
    (report.web ? "\n" + renderWebMarkdown(report.web as WebReport) : "") +
    (report.media ? "\n" + renderMediaMarkdown(report.media as MediaReport) : "")
  writeFileSync(new URL("latest.md", out), markdown)
  console.log(markdown)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
