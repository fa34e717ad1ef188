import { median } from "./stats"
import type { LoadFigures, RelayReport, TargetResult } from "../relay"

const fmt = (n: number | undefined, digits = 1) =>
  n !== undefined && Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "—"
const range = (values: number[], digits: number) =>
  values.length === 0
    ? "—"
    : `${fmt(Math.min(...values), digits)} / ${fmt(median(values), digits)} / ${fmt(Math.max(...values), digits)}`
const mid = (values: (number | undefined)[]) => median(values.filter((v): v is number => v !== undefined))

/** One table row: Kith's runs, the floor's, and the ratio of their medians. */
function row(label: string, kith: number[], floor: number[], digits: number): string {
  return `| ${label} | ${range(kith, digits)} | ${range(floor, digits)} | ${fmt(median(kith) / median(floor), 2)} |`
}

function sizeRuns(t: TargetResult, devices: number): LoadFigures[] {
  return t.closedLoop.find((s) => s.devices === devices)?.runs ?? []
}

/** The relay section of the markdown report: every Kith figure beside the floor's under the identical load. */
export function renderRelayMarkdown(relay: RelayReport): string {
  const s = relay.scenario
  const { kith, floor } = relay
  const lines = [
    `## Relay: closed loop (window ${s.window}, ${s.payloadBytes}-byte payloads, ${s.messages.toLocaleString("en-US")} measured messages a run after ${s.warmupPerSender} per device of warm-up, ${s.repeats} runs, ${s.largestRepeats} at the largest size)`,
    "",
    "Kith: durable (SQLite WAL; the log is synced to disk before the sender's Ok) and acknowledged. Floor: a bare `ws` relay. Figures are min / median / max.",
    "",
    "| figure | Kith | floor | Kith / floor |",
    "|---|---|---|---|",
  ]
  for (const devices of s.sizes) {
    const k = sizeRuns(kith, devices)
    const f = sizeRuns(floor, devices)
    const of = (runs: LoadFigures[], key: keyof LoadFigures) => runs.map((r) => r[key] as number)
    lines.push(
      row(`C = ${devices}: delivered msg/s`, of(k, "perSecond"), of(f, "perSecond"), 0),
      row(`C = ${devices}: p50 latency ms`, of(k, "p50Ms"), of(f, "p50Ms"), 1),
      row(`C = ${devices}: p99 latency ms`, of(k, "p99Ms"), of(f, "p99Ms"), 1),
      row(
        `C = ${devices}: server CPU-s per 10k delivered`,
        k.flatMap((r) => (r.serverCpuSecondsPer10k === undefined ? [] : [r.serverCpuSecondsPer10k])),
        f.flatMap((r) => (r.serverCpuSecondsPer10k === undefined ? [] : [r.serverCpuSecondsPer10k])),
        2,
      ),
    )
  }
  const open = (t: TargetResult, key: "p50Ms" | "p99Ms") => t.openLoop.runs.map((r) => r[key])
  lines.push(
    "",
    `## Relay: open loop at half of Kith's saturation (${kith.openLoop.rate.toLocaleString("en-US")} msg/s offered, ${s.openLoopDevices} devices, latency from the intended send time)`,
    "",
    "| figure | Kith | floor | Kith / floor |",
    "|---|---|---|---|",
    row("p50 latency ms", open(kith, "p50Ms"), open(floor, "p50Ms"), 2),
    row("p99 latency ms", open(kith, "p99Ms"), open(floor, "p99Ms"), 2),
    row(
      "server CPU-s per 10k delivered",
      kith.openLoop.runs.map((r) => r.serverCpuSecondsPer10k ?? NaN),
      floor.openLoop.runs.map((r) => r.serverCpuSecondsPer10k ?? NaN),
      2,
    ),
    "",
  )
  if (kith.idle && floor.idle) {
    lines.push(
      `## Idle connections (${kith.idle.connections.toLocaleString("en-US")} authenticated Kith devices; as many bare sockets on the floor)`,
      "",
      "| figure | Kith | floor | Kith / floor |",
      "|---|---|---|---|",
      `| server RSS per connection, KiB | ${fmt(kith.idle.perConnectionKiB)} | ${fmt(floor.idle.perConnectionKiB)} | ${fmt(kith.idle.perConnectionKiB / floor.idle.perConnectionKiB, 2)} |`,
      `| server RSS before → after connecting, MiB | ${fmt(kith.idle.rssBeforeKiB / 1024)} → ${fmt(kith.idle.rssAfterKiB / 1024)} | ${fmt(floor.idle.rssBeforeKiB / 1024)} → ${fmt(floor.idle.rssAfterKiB / 1024)} | |`,
      "",
    )
  }
  if (kith.soak) {
    const samples = kith.soak.figures.rssSamplesKiB ?? []
    lines.push(
      `## Soak: Kith at ${kith.soak.rate.toLocaleString("en-US")} msg/s (half of saturation) for ${kith.soak.seconds} s`,
      "",
      "| delivered | errors | p50 / p99 ms | server RSS start → end, MiB | RSS min / max while running, MiB |",
      "|---|---|---|---|---|",
      `| ${kith.soak.figures.delivered.toLocaleString("en-US")} | ${kith.soak.figures.errors} | ${fmt(kith.soak.figures.p50Ms, 2)} / ${fmt(kith.soak.figures.p99Ms, 2)} | ${fmt(kith.soak.rssStartKiB / 1024)} → ${fmt(kith.soak.rssEndKiB / 1024)} | ${fmt(Math.min(...samples) / 1024)} / ${fmt(Math.max(...samples) / 1024)} |`,
      "",
    )
  }
  return lines.join("\n")
}

/** The relay's headline rows of the global summary. */
export function relaySummaryRows(relay: RelayReport): string[] {
  const size = relay.scenario.sizes[0]!
  const k = sizeRuns(relay.kith, size)
  const f = sizeRuns(relay.floor, size)
  return [
    `| relay C = ${size}, delivered msg/s | ${fmt(mid(k.map((r) => r.perSecond)), 0)} | floor ${fmt(mid(f.map((r) => r.perSecond)), 0)} | ${fmt(relay.ratios[size]!.throughput, 3)} |`,
    `| relay open loop at half saturation, p99 ms | ${fmt(mid(relay.kith.openLoop.runs.map((r) => r.p99Ms)), 2)} | floor ${fmt(mid(relay.floor.openLoop.runs.map((r) => r.p99Ms)), 2)} | ${fmt(mid(relay.kith.openLoop.runs.map((r) => r.p99Ms)) / mid(relay.floor.openLoop.runs.map((r) => r.p99Ms)), 2)} |`,
    ...(relay.kith.idle && relay.floor.idle
      ? [
          `| RSS per idle connection, KiB | ${fmt(relay.kith.idle.perConnectionKiB)} | floor ${fmt(relay.floor.idle.perConnectionKiB)} | ${fmt(relay.kith.idle.perConnectionKiB / relay.floor.idle.perConnectionKiB, 2)} |`,
        ]
      : []),
  ]
}
