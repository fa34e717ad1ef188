import { execFile } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type RunningServer } from "@kith/server"

/**
 * [T2], [T8], [T10] with the terminal client: "delete" removes a message from
 * the device's SQLite file and its WAL (read raw), "timer" sets disappearing
 * messages for both sides, and "block" drops a friend's messages on arrival.
 * Every step is a real `kith … --json` process against a real server.
 */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
const entry = join(repoRoot, "packages/cli/src/main.ts")

let server: RunningServer
let root: string
const home = (who: string) => join(root, who)

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kith-cli-security-"))
  server = await startServer({ port: 0, dataDir: join(root, "server"), powDifficulty: 4, logLevel: "silent" })
})

afterAll(async () => {
  await server?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

async function ok<T = Record<string, unknown>>(who: string, ...args: string[]): Promise<T> {
  const argv = ["--import", "tsx", entry, "--home", home(who), "--server", server.url, "--json", ...args]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kith ${args.join(" ")} failed: ${stdout}\n${stderr}`))
      else resolve(JSON.parse(stdout) as T)
    })
  })
}

/** Whether the text is anywhere in the device's store: the database file or its write-ahead log. */
function onDisk(who: string, text: string): boolean {
  const store = join(home(who), "kith.sqlite")
  const bytes = Buffer.concat([store, `${store}-wal`].filter(existsSync).map((p) => readFileSync(p)))
  return bytes.includes(Buffer.from(text, "utf8"))
}

interface HistoryJson {
  conversation: { id: string; timerMs: number }
  messages: { id: string; body: string; kind: string; timerMs?: number; expiresAtMs?: number }[]
}

describe("kith CLI: local deletion and blocking", { timeout: 240_000 }, () => {
  it("deletes for real, applies a timer set by the other side, and drops a blocked friend's messages", async () => {
    const [alice] = await Promise.all([
      ok<{ accountId: string }>("alice", "register", "--name", "Alice"),
      ok("bob", "register", "--name", "Bob"),
    ])
    await Promise.all([ok("alice", "username", "alice"), ok("bob", "username", "bob")])
    await ok("alice", "friend", "add", "bob")
    await ok("bob", "friend", "accept", "Alice")

    const marker = `delete-me-${Date.now()}`
    await ok("alice", "send", "bob", marker)
    const before = await ok<HistoryJson>("bob", "history", "alice")
    const target = before.messages.find((m) => m.body === marker)!
    expect(onDisk("bob", marker)).toBe(true)
    await ok("bob", "delete", "alice", target.id)
    expect(onDisk("bob", marker)).toBe(false)
    expect((await ok<HistoryJson>("bob", "history", "alice")).messages.some((m) => m.body === marker)).toBe(
      false,
    )
    expect((await ok<HistoryJson>("alice", "history", "bob")).messages.some((m) => m.body === marker)).toBe(
      true,
    )

    await ok("alice", "timer", "bob", "1h")
    await ok("alice", "send", "bob", "gone within the hour")
    const bobView = await ok<HistoryJson>("bob", "history", "alice")
    expect(bobView.conversation.timerMs).toBe(3_600_000)
    expect(bobView.messages.find((m) => m.kind === "notice" && m.timerMs !== undefined)).toMatchObject({
      timerMs: 3_600_000,
    })
    expect(bobView.messages.find((m) => m.body === "gone within the hour")?.expiresAtMs).toBeGreaterThan(
      Date.now(),
    )

    await ok("bob", "block", "Alice")
    expect(await ok<string[]>("bob", "blocked")).toEqual([alice.accountId])
    await ok("alice", "send", "bob", "while blocked")
    expect(
      (await ok<HistoryJson>("bob", "history", "alice")).messages.some((m) => m.body === "while blocked"),
    ).toBe(false)
    await ok("bob", "unblock", "Alice")
    await ok("alice", "send", "bob", "after unblocking")
    const last = await ok<HistoryJson>("bob", "history", "alice")
    expect(last.messages.map((m) => m.body)).toContain("after unblocking")
    expect(last.messages.map((m) => m.body)).not.toContain("while blocked")
  })
})
