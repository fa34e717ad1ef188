import { execFile } from "node:child_process"
import { randomFillSync } from "node:crypto"
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startServer, type RunningServer } from "@kith/server"

/** `kith send-file`, `save` and `forward` as a person runs them: real processes, a real server. */

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const entry = join(repoRoot, "packages/cli/src/main.ts")

let server: RunningServer
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kith-cli-media-"))
  server = await startServer({ port: 0, dataDir: join(root, "server"), powDifficulty: 4, logLevel: "silent" })
})

afterAll(async () => {
  await server?.close()
  if (root) await rm(root, { recursive: true, force: true })
})

function kith(who: string, ...args: string[]): Promise<{ exitCode: number; json: unknown }> {
  const argv = [
    "--import",
    "tsx",
    entry,
    "--home",
    join(root, who),
    "--server",
    server.url,
    "--json",
    ...args,
  ]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, argv, { cwd: repoRoot }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === "number" ? error.code : -1) : 0
      try {
        resolve({ exitCode, json: JSON.parse(stdout) })
      } catch {
        reject(new Error(`kith ${args.join(" ")} printed no JSON (exit ${exitCode}): ${stdout}\n${stderr}`))
      }
    })
  })
}

async function ok<T = Record<string, unknown>>(who: string, ...args: string[]): Promise<T> {
  const run = await kith(who, ...args)
  if (run.exitCode !== 0) throw new Error(`kith ${args.join(" ")} failed: ${JSON.stringify(run.json)}`)
  return run.json as T
}

interface Message {
  id: string
  kind: string
  attachment?: { kind: string; fileName: string; size: number }
}

describe("kith send-file and save", { timeout: 180_000 }, () => {
  it("sends a file and a voice note; the friend saves both to a folder, intact, forwards one on", async () => {
    await Promise.all(["Alice", "Bob"].map((name) => ok(name.toLowerCase(), "register", "--name", name)))
    await Promise.all(["alice", "bob"].map((who) => ok(who, "username", who)))
    await ok("alice", "friend", "add", "bob")
    await ok("bob", "friend", "accept", "alice")

    const file = join(root, "holiday plan.pdf")
    const bytes = randomFillSync(Buffer.alloc(300_000))
    await writeFile(file, bytes)
    const voice = join(root, "note.ogg")
    await writeFile(voice, randomFillSync(Buffer.alloc(20_000)))
    await ok("alice", "send-file", "bob", file, "--caption", "the plan")
    await ok("alice", "send-file", "bob", voice, "--voice")

    const history = await ok<{ messages: Message[] }>("bob", "history", "alice")
    const attachments = history.messages.filter((m) => m.kind === "attachment")
    expect(attachments.map((m) => m.attachment!.kind)).toEqual(["file", "voice"])
    expect(attachments[0]!.attachment).toMatchObject({ fileName: "holiday plan.pdf", size: 300_000 })

    const out = join(root, "downloads")
    await mkdir(out)
    const first = await ok<{ path: string }>("bob", "save", "alice", attachments[0]!.id, "--out", out)
    const again = await ok<{ path: string }>("bob", "save", "alice", attachments[0]!.id, "--out", out)
    expect(first.path).toBe(join(out, "holiday plan.pdf"))
    expect(again.path).toBe(join(out, "holiday plan (1).pdf")) // never overwrites
    expect((await readFile(first.path)).equals(bytes)).toBe(true)
    await ok("bob", "save", "alice", attachments[1]!.id, "--out", out)
    expect((await readdir(out)).sort()).toEqual(["holiday plan (1).pdf", "holiday plan.pdf", "note.ogg"])
    const played = await ok<{ messages: Message[] }>("bob", "history", "alice")
    expect(played.messages.find((m) => m.id === attachments[1]!.id)).toMatchObject({
      attachment: { played: true },
    })

    const forwarded = await ok<{ message: Message }>("bob", "forward", "alice", attachments[0]!.id, "alice")
    expect(forwarded.message.attachment).toMatchObject({ fileName: "holiday plan.pdf" })
  })
})
