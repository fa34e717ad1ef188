import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { runCli, wantsJson } from "./cli"

/**
 * The command line's own rules, run in-process: nothing here reaches a
 * server, because each of these fails (or finishes) before a client opens.
 */
const scratch = mkdtempSync(join(tmpdir(), "kith-cli-test-"))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const exitCode = await runCli(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { KITH_HOME: join(scratch, "default-home") },
    readLine: async () => "",
    waitForInterrupt: () => new Promise(() => {}),
  })
  return { exitCode, stdout: out.join(""), stderr: err.join("") }
}

describe("runCli", () => {
  it.each([
    ["no command at all", []],
    ["a command group without its command", ["group"]],
    ["an unknown command", ["frobnicate"]],
    ["an unknown option", ["chats", "--colour"]],
    ["a missing argument", ["send", "bob"]],
    ["a malformed number", ["history", "bob", "--limit", "0"]],
    ["an extra argument", ["whoami", "please"]],
    ["a server that is not a URL", ["--server", "kith.example", "register"]],
    ["account delete without --yes", ["account", "delete"]],
  ])("reports %s as a usage error: one JSON error object, exit code 2", async (_what, argv) => {
    const result = await run("--json", ...argv)
    expect(result.exitCode).toBe(2)
    const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string } }
    expect(parsed.error.code).toBe("KITH_ERR_BAD_REQUEST")
    expect(parsed.error.message).toMatch(/^[a-z"'(].{8,}/)
    expect(parsed.error.message).not.toMatch(/^error:|outputHelp/)
  })

  it("accepts --json after the command too", async () => {
    const result = await run("frobnicate", "--json")
    expect(JSON.parse(result.stdout)).toHaveProperty("error.code", "KITH_ERR_BAD_REQUEST")
  })

  it("tells a person on stderr, keeping stdout clean", async () => {
    const result = await run("send")
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toMatch(/^error: .*\(KITH_ERR_BAD_REQUEST\)\n$/)
  })

  it("refuses to act on an empty home with KITH_ERR_NOT_REGISTERED, exit code 1", async () => {
    const result = await run("--json", "--home", join(scratch, "empty"), "chats")
    expect(result.exitCode).toBe(1)
    expect(JSON.parse(result.stdout)).toHaveProperty("error.code", "KITH_ERR_NOT_REGISTERED")
  })

  it.each([
    ["a friend request id", ["friend", "accept", "-c0sDBzKHetr2tJnO8Kikg"]],
    ["an id that reads like -V (version)", ["recall", "bob", "-VAAAAAAAAAAAAAAAAAAAA"]],
    ["an id that reads like -h (help)", ["device", "remove", "-hAAAAAAAAAAAAAAAAAAAA"]],
    ["a reply-to id", ["send", "bob", "hi", "--reply-to", "--AAAAAAAAAAAAAAAAAAAA"]],
  ])("takes %s that starts with a dash as an argument, not an option", async (_what, argv) => {
    // With an empty home, getting as far as opening it proves the line parsed.
    const result = await run("--json", "--home", join(scratch, "empty"), ...argv)
    expect(JSON.parse(result.stdout)).toHaveProperty("error.code", "KITH_ERR_NOT_REGISTERED")
  })

  it("takes a link code that starts with a dash as the code", async () => {
    // Nothing listens on the discard port: the command gets as far as the network.
    const code = "-" + "A".repeat(42)
    const result = await run(
      "--json",
      "--home",
      join(scratch, "new"),
      "--server",
      "http://127.0.0.1:9",
      "device",
      "link",
      code,
    )
    expect(result.exitCode).toBe(1)
    expect(JSON.parse(result.stdout)).not.toHaveProperty("error.code", "KITH_ERR_BAD_REQUEST")
  })

  it("prints help and the version with exit code 0", async () => {
    const help = await run("--help")
    expect(help.exitCode).toBe(0)
    expect(help.stdout).toContain("friend")
    const version = await run("--version")
    expect(version.exitCode).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe("wantsJson", () => {
  it("finds --json among the options but not after --", () => {
    expect(wantsJson(["send", "bob", "hi", "--json"])).toBe(true)
    expect(wantsJson(["send", "bob", "--", "--json"])).toBe(false)
  })
})
