import { median } from "./stats"

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—")
const range = (values: number[], digits = 1) =>
  `${fmt(Math.min(...values), digits)} / ${fmt(median(values), digits)} / ${fmt(Math.max(...values), digits)}`

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

/** Renders the header (machine, then `summary`) and the crypto section; every figure beside its baseline. */
export function renderMarkdown(report: Record<string, unknown>, summary = ""): string {
  const machine = report.machine as {
    cores: number
    cpu: string
    node: string
    date: string
    memoryGiB?: number
    pinned?: boolean
  }
  const lines = [
    `# Kith benchmark — ${machine.date}`,
    "",
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB ?? "?"} GiB, Node ${machine.node}; server and load generator ${machine.pinned ? "pinned to different cores (taskset)" : "not pinned (no taskset)"}. Figures are min / median / max over repeated runs.`,
    "",
    summary,
  ]
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
