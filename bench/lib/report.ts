import { median } from "./stats"
import type { RunFigures } from "./stats"

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—")
const range = (values: number[], digits = 1) =>
  `${fmt(Math.min(...values), digits)} / ${fmt(median(values), digits)} / ${fmt(Math.max(...values), digits)}`

interface RelaySection {
  scenario: {
    pairs: number
    messagesPerSender: number
    window: number
    payloadBytes: number
    repeats: number
  }
  floor: { runs: RunFigures[]; rssKiB?: number }
  kith: { runs: RunFigures[]; rssKiB?: number }
  ratios: { throughput: number; p50: number; p99: number }
}

interface CryptoSection {
  suites: {
    suite: string
    encryptDecryptMs: number[]
    createChatMs: number[]
    keyPackageBytes: number
    welcomeBytes: number
  }[]
  baselineSuite: string
}

/** Renders the report as a markdown table; every figure beside its baseline. */
export function renderMarkdown(report: Record<string, unknown>): string {
  const machine = report.machine as { cores: number; cpu: string; node: string; date: string }
  const lines = [
    `# Kith benchmark — ${machine.date}`,
    "",
    `Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}. Figures are min / median / max over repeated runs.`,
    "",
  ]
  const relay = report.relay as RelaySection | undefined
  if (relay) {
    const s = relay.scenario
    lines.push(
      `## Relay: ${s.pairs * 2} devices in ${s.pairs} pairs, window ${s.window}, ${s.payloadBytes}-byte payloads, ${s.pairs * 2 * s.messagesPerSender} messages per run, ${s.repeats} runs`,
      "",
      "| figure | Kith (durable, acknowledged) | floor (bare ws relay) | Kith / floor |",
      "|---|---|---|---|",
      `| delivered msg/s | ${range(
        relay.kith.runs.map((r) => r.perSecond),
        0,
      )} | ${range(
        relay.floor.runs.map((r) => r.perSecond),
        0,
      )} | ${fmt(relay.ratios.throughput, 3)} |`,
      `| p50 latency ms | ${range(
        relay.kith.runs.map((r) => r.p50Ms),
        2,
      )} | ${range(
        relay.floor.runs.map((r) => r.p50Ms),
        2,
      )} | ${fmt(relay.ratios.p50, 2)} |`,
      `| p99 latency ms | ${range(
        relay.kith.runs.map((r) => r.p99Ms),
        2,
      )} | ${range(
        relay.floor.runs.map((r) => r.p99Ms),
        2,
      )} | ${fmt(relay.ratios.p99, 2)} |`,
      `| server RSS after run, MiB | ${fmt((relay.kith.rssKiB ?? NaN) / 1024)} | ${fmt((relay.floor.rssKiB ?? NaN) / 1024)} | ${fmt((relay.kith.rssKiB ?? NaN) / (relay.floor.rssKiB ?? NaN), 2)} |`,
      "",
    )
  }
  const crypto = report.crypto as CryptoSection | undefined
  if (crypto) {
    const base = crypto.suites.find((x) => x.suite === crypto.baselineSuite)!
    lines.push(
      `## Client crypto (baseline: ${crypto.baselineSuite})`,
      "",
      "| suite | encrypt + decrypt ms | create 1:1 chat ms | key package bytes | Welcome bytes (2 members) | enc+dec vs baseline |",
      "|---|---|---|---|---|---|",
      ...crypto.suites.map(
        (x) =>
          `| ${x.suite} | ${range(x.encryptDecryptMs, 3)} | ${range(x.createChatMs, 2)} | ${x.keyPackageBytes} | ${x.welcomeBytes} | ${fmt(median(x.encryptDecryptMs) / median(base.encryptDecryptMs), 2)} |`,
      ),
      "",
    )
  }
  return lines.join("\n")
}
