import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { collectGarbage } from "./collectGarbage"

const root = new URL("../..", import.meta.url).pathname
const hasTaskset = spawnSync("taskset", ["--version"]).status === 0

/** Runs a TypeScript entry point in its own Node process, pinned to one core when possible. */
export function spawnTs(
  entry: string,
  args: string[],
  env: Record<string, string>,
  core?: number,
  stdin: "ignore" | "pipe" = "ignore",
  nodeFlags: string[] = [],
): ChildProcess {
  const command = ["node", ...nodeFlags, "--import", "tsx", join(root, entry), ...args]
  const [file, ...rest] =
    hasTaskset && core !== undefined ? ["taskset", "-c", String(core), ...command] : command
  return spawn(file!, rest, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: [stdin, "pipe", "inherit"],
  })
}

/** Resolves with the port from the first stdout JSON line that names one. */
export function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = ""
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString()
      for (const line of buffered.split("\n")) {
        const match = /"port":\s*(\d+)/.exec(line)
        if (match) return resolve(Number(match[1]))
      }
    })
    child.once("exit", (code) => reject(new Error(`process exited (${code}) before listening`)))
  })
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once("exit", r))
  child.kill("SIGTERM")
  await exited
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Runs the load generator to completion and parses its one-line JSON report. */
export async function runLoad<T>(options: object): Promise<T> {
  const child = spawnTs("bench/load.ts", [JSON.stringify(options)], {}, 1)
  let out = ""
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise((r) => child.once("exit", r))
  if (code !== 0) throw new Error(`load generator failed (${code})`)
  return JSON.parse(out.trim().split("\n").pop()!) as T
}

/**
 * Server memory per idle connection: `bench/idle.ts` makes its devices, the
 * server collects its garbage and its RSS is read, the devices connect and
 * sit idle, and the same again.
 */
export async function measureIdle(
  options: { target: "kith" | "floor"; url: string; devices: number; devicesFile?: string },
  serverPid: number,
  serverInspectPort: number,
): Promise<{ connections: number; rssBeforeKiB: number; rssAfterKiB: number; perConnectionKiB: number }> {
  const child = spawnTs("bench/idle.ts", [JSON.stringify(options)], {}, 1, "pipe")
  const phases: string[] = []
  const waiters: (() => void)[] = []
  const lines = createInterface({ input: child.stdout! })
  lines.on("line", (line) => {
    const phase = /"phase":"(\w+)"/.exec(line)?.[1]
    if (phase) phases.push(phase)
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>((r) => child.once("exit", r))
  const reach = async (phase: string) => {
    while (!phases.includes(phase)) {
      const next = new Promise<void>((r) => waiters.push(r))
      const code = await Promise.race([next.then(() => undefined), exited])
      if (code !== undefined) throw new Error(`idle load exited (${code}) before "${phase}"`)
    }
  }
  const settle = async () => {
    await new Promise((r) => setTimeout(r, 2000))
    await collectGarbage(serverInspectPort)
    await new Promise((r) => setTimeout(r, 1000))
  }
  try {
    await reach("ready")
    await settle()
    const rssBeforeKiB = rssKiB(serverPid) ?? NaN
    child.stdin!.write("connect\n")
    await reach("connected")
    await settle()
    const rssAfterKiB = rssKiB(serverPid) ?? NaN
    return {
      connections: options.devices,
      rssBeforeKiB,
      rssAfterKiB,
      perConnectionKiB: (rssAfterKiB - rssBeforeKiB) / options.devices,
    }
  } finally {
    child.stdin!.write("close\n")
    await exited
  }
}

/** Resident memory of a process in KiB, from /proc. */
export function rssKiB(pid: number): number | undefined {
  const r = spawnSync("ps", ["-o", "rss=", "-p", String(pid)])
  const value = Number(r.stdout.toString().trim())
  return Number.isFinite(value) && value > 0 ? value : undefined
}
