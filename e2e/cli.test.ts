import { execFile, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type RunningServer } from "@kith/server"

/**
 * The terminal client driven as a user drives it: every step is a real
 * `kith … --json` process against a real server, each person with their own
 * home directory. Spawns cost about a second each, so the story is told once,
 * in order, and independent steps run side by side.
 */

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const entry = join(repoRoot, "packages/cli/src/main.ts")

let server: RunningServer
let root: string
const home = (name: string) => join(root, name)

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kith-cli-e2e-"))
  server = await startServer({ port: 0, dataDir: join(root, "server"), powDifficulty: 4, logLevel: "silent" })
})

afterAll(async () => {
  await server?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

interface Run {
  exitCode: number
  json: unknown
  stderr: string
}

function cliArgs(who: string, args: string[], json = true): string[] {
  return [
    "--import",
    "tsx",
    entry,
    "--home",
    home(who),
    "--server",
    server.url,
    ...(json ? ["--json"] : []),
    ...args,
  ]
}

/** Runs a command as a person would, without --json, and returns what it printed for them. */
function kithForHumans(who: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, cliArgs(who, args, false), { cwd: repoRoot }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kith ${args.join(" ")} failed: ${stderr}`))
      else resolve(stdout)
    })
  })
}

/** Runs one kith command and parses its single JSON value. */
function kith(who: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, cliArgs(who, args), { cwd: repoRoot }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0
      try {
        resolve({ exitCode, json: JSON.parse(stdout), stderr })
      } catch {
        reject(new Error(`kith ${args.join(" ")} printed no JSON (exit ${exitCode}): ${stdout}\n${stderr}`))
      }
    })
  })
}

/** Runs a command that must succeed and returns its JSON. */
async function ok<T = Record<string, unknown>>(who: string, ...args: string[]): Promise<T> {
  const run = await kith(who, ...args)
  if (run.exitCode !== 0) {
    throw new Error(
      `kith ${args.join(" ")} failed (${run.exitCode}): ${JSON.stringify(run.json)}\n${run.stderr}`,
    )
  }
  return run.json as T
}

interface MessageJson {
  id: string
  body: string
  outgoing: boolean
}

interface HistoryJson {
  conversation: { id: string; name: string; kind: string }
  messages: MessageJson[]
}

const bodies = (history: HistoryJson) => history.messages.map((m) => m.body)

interface Account {
  accountId: string
  recoveryPhrase: string
}

// Each step spawns several processes; on a busy two-core machine a step can take a while.
describe("kith CLI against a real server", { timeout: 180_000 }, () => {
  // Each step builds on the ones before it, as a person's session would.
  const accounts: Record<string, Account> = {}
  let groupId = ""

  it("registers three people, each in their own home, and claims their usernames", async () => {
    const registered = await Promise.all(
      ["Alice", "Bob", "Carol"].map((name) => ok<Account>(name.toLowerCase(), "register", "--name", name)),
    )
    for (const [i, who] of ["alice", "bob", "carol"].entries()) accounts[who] = registered[i]!
    expect(accounts.alice!.recoveryPhrase.split(" ")).toHaveLength(24)
    expect(new Set(registered.map((a) => a.accountId)).size).toBe(3)
    await Promise.all(["alice", "bob", "carol"].map((who) => ok(who, "username", who)))
    const me = await ok<{ accountId: string; username: string; displayName: string }>("alice", "whoami")
    expect(me).toMatchObject({
      accountId: accounts.alice!.accountId,
      username: "alice",
      displayName: "Alice",
    })
  })

  it("makes friends: Bob accepts by request id, Carol by Alice's name", async () => {
    await ok("alice", "friend", "add", "bob", "--greeting", "hi, it's Alice")
    await ok("alice", "friend", "add", "carol")
    const requests = await ok<{ id: string; accountId: string; greeting: string }[]>(
      "bob",
      "friend",
      "requests",
    )
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({ accountId: accounts.alice!.accountId, greeting: "hi, it's Alice" })
    await Promise.all([
      ok("bob", "friend", "accept", requests[0]!.id),
      ok("carol", "friend", "accept", "Alice"),
    ])
    const friends = await ok<{ accountId: string }[]>("alice", "friends")
    expect(friends.map((f) => f.accountId).sort()).toEqual(
      [accounts.bob!.accountId, accounts.carol!.accountId].sort(),
    )
  })

  it("chats both ways, and each side's history shows each message once", async () => {
    await ok("alice", "send", "bob", "hello", "bob")
    await ok("bob", "send", "Alice", "hi alice")
    const [aliceView, bobView] = await Promise.all([
      ok<HistoryJson>("alice", "history", "bob"),
      ok<HistoryJson>("bob", "history", "alice"),
    ])
    for (const history of [aliceView, bobView]) {
      expect(bodies(history).filter((b) => b === "hello bob")).toHaveLength(1)
      expect(bodies(history).filter((b) => b === "hi alice")).toHaveLength(1)
    }
  })

  it("prints other people's text to a terminal without its control characters", async () => {
    const hostile = "\u001b]0;pwned\u0007look\u001b[2J\u009b31m here\u202e"
    await ok("bob", "send", "alice", hostile)
    const printed = await kithForHumans("alice", "history", "bob", "--limit", "1")
    expect(printed).toContain("look[2J31m here")
    expect(printed).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/)
  })

  it("reports a message: without --yes it only shows what would go, with --yes the operator gets exactly that", async () => {
    const history = await ok<HistoryJson>("alice", "history", "bob")
    const fromBob = history.messages.find((m) => m.body === "hi alice")!
    const reportsOnServer = () => {
      const db = new BetterSqlite3(join(root, "server", "kith.sqlite"), { readonly: true })
      try {
        return db.prepare("SELECT reason, messages FROM reports").all() as {
          reason: string
          messages: string
        }[]
      } finally {
        db.close()
      }
    }
    const shown = await ok<{ sent: boolean; messages: { text: string; senderAccountId: string }[] }>(
      "alice",
      "report",
      "bob",
      fromBob.id,
    )
    expect(shown.sent).toBe(false)
    expect(shown.messages).toMatchObject([{ text: "hi alice", senderAccountId: accounts.bob!.accountId }])
    expect(reportsOnServer()).toEqual([])

    const sent = await ok<{ sent: boolean }>(
      "alice",
      "report",
      "bob",
      fromBob.id,
      "--reason",
      "harassment",
      "--yes",
    )
    expect(sent.sent).toBe(true)
    const stored = reportsOnServer()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.reason).toBe("harassment")
    expect(JSON.parse(stored[0]!.messages)).toEqual(shown.messages)
  })

  it("creates a group, renames it, and a member reads it under its new name", async () => {
    const group = await ok<{ conversationId: string }>(
      "alice",
      "group",
      "create",
      "Book club",
      "bob",
      "carol",
    )
    groupId = group.conversationId
    await ok("alice", "group", "rename", groupId, "Readers")
    await ok("alice", "send", "Readers", "first meeting on friday")
    const carolView = await ok<HistoryJson>("carol", "history", "Readers")
    expect(carolView.conversation).toMatchObject({ id: groupId, name: "Readers", kind: "group" })
    expect(bodies(carolView)).toEqual(["first meeting on friday"])
  })

  it("links a second device with a code, and a new message reaches it", async () => {
    // link-code waits in the background while the new home uses the code it printed.
    const linking = spawn(process.execPath, cliArgs("alice", ["device", "link-code", "--timeout", "120"]), {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    })
    const exited = new Promise<number | null>((resolve) => linking.once("exit", (c) => resolve(c)))
    const lines = createInterface({ input: linking.stdout! })[Symbol.asyncIterator]()
    const { code } = JSON.parse((await lines.next()).value as string) as { code: string }
    const linked = await ok<{ accountId: string }>("alice-laptop", "device", "link", code)
    expect(linked.accountId).toBe(accounts.alice!.accountId)
    expect(JSON.parse((await lines.next()).value as string)).toEqual({ linked: true })
    expect(await exited).toBe(0)

    await ok("bob", "send", "alice", "did the laptop get this?")
    const laptopView = await ok<HistoryJson>("alice-laptop", "history", accounts.bob!.accountId)
    expect(bodies(laptopView)).toEqual(["did the laptop get this?"])
    const devices = await ok<{ deviceId: string; current: boolean }[]>("alice-laptop", "device", "list")
    expect(devices.map((d) => d.current).sort()).toEqual([false, true])
  })

  it("answers a mistyped command or argument with a typed JSON error and a non-zero exit", async () => {
    const [unknown, badLimit, noSuchChat] = await Promise.all([
      kith("bob", "frobnicate"),
      kith("bob", "history", "alice", "--limit", "lots"),
      kith("bob", "send", "nobody-by-that-name", "hello?"),
    ])
    expect(unknown.exitCode).toBe(2)
    expect(unknown.json).toMatchObject({ error: { code: "KITH_ERR_BAD_REQUEST" } })
    expect(badLimit.exitCode).toBe(2)
    expect(badLimit.json).toMatchObject({ error: { code: "KITH_ERR_BAD_REQUEST" } })
    expect(noSuchChat.exitCode).toBe(1)
    expect(noSuchChat.json).toMatchObject({ error: { code: "KITH_ERR_NO_SUCH_CONVERSATION" } })
  })
})
