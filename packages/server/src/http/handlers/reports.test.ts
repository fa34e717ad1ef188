import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits } from "@kith/protocol"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newUser, type TestUser } from "../../testing/identities"

const run = promisify(execFile)
const tool = fileURLToPath(new URL("../../tools/reports.ts", import.meta.url))
const tsx = fileURLToPath(new URL("../../../../../node_modules/.bin/tsx", import.meta.url))

let now = Date.UTC(2030, 0, 1)
let t: TestServer
let reporter: TestUser
let stranger: TestUser
beforeAll(async () => {
  t = await startTestServer({ now: () => now })
  reporter = await newUser(t.url)
  stranger = await newUser(t.url)
})
afterAll(() => t.close())

const chosen = () => [
  {
    senderAccountId: stranger.account.accountId,
    sentAtMs: now - 60_000,
    text: "buy followers at example.test",
  },
  {
    senderAccountId: stranger.account.accountId,
    sentAtMs: now - 30_000,
    text: "see attached",
    attachment: { kind: "photo" as const, fileName: "offer.jpg" },
  },
]

describe("reports", () => {
  it("stores exactly the chosen messages, naming no reporter, until they expire", async () => {
    const res = await call<{ reportId: string }>(t.url, "submitReport", {
      token: reporter.token,
      body: { reason: "spam", messages: chosen() },
    })
    expect(res.status).toBe(200)
    const rows = await t.rows<{ id: string; reason: string; messages: string; expires_at: number }>(
      "SELECT * FROM reports",
    )
    expect(rows).toHaveLength(1)
    const row = rows[0]!
    expect(row.id).toBe(res.body.reportId)
    expect(row.reason).toBe("spam")
    expect(JSON.parse(row.messages)).toEqual(chosen())
    expect(Number(row.expires_at)).toBe(now + Limits.reportRetentionMs)
    // Nothing about who reported: not the account, not the device, not the session.
    const everything = JSON.stringify(rows)
    for (const secret of [reporter.account.accountId, reporter.device.deviceId, reporter.token]) {
      expect(everything).not.toContain(secret)
    }
    expect(t.logText()).not.toContain("buy followers")

    now += Limits.reportRetentionMs
    expect((await t.server.sweep()).reports).toBe(1)
    expect(await t.rows("SELECT * FROM reports")).toEqual([])
  })

  it("refuses anything beyond the schema: extra fields, a reporter id, too many or no messages", async () => {
    const reporter = await newUser(t.url)
    const bodies = [
      { reason: "spam", messages: chosen(), reporterAccountId: reporter.account.accountId },
      { reason: "spam", messages: [{ ...chosen()[0], deviceId: reporter.device.deviceId }] },
      { reason: "spam", messages: Array(Limits.maxReportedMessages + 1).fill(chosen()[0]) },
      { reason: "spam", messages: [] },
      { reason: "because", messages: chosen() },
      { reason: "spam", messages: [{ ...chosen()[0], text: "x".repeat(Limits.maxReportedTextLength + 1) }] },
      { reason: "spam", messages: [{ ...chosen()[0], senderAccountId: "not-an-id" }] },
    ]
    for (const body of bodies) {
      const res = await call(t.url, "submitReport", { token: reporter.token, body: body as never })
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_REQUEST")
    }
    expect(await t.rows("SELECT * FROM reports")).toEqual([])
  })

  it("limits how many reports one account files per hour", async () => {
    const busy = await newUser(t.url)
    const file = () =>
      call(t.url, "submitReport", { token: busy.token, body: { reason: "other", messages: chosen() } })
    for (let i = 0; i < Limits.reportsPerHour; i++) expect((await file()).status).toBe(200)
    const refused = await file()
    expect(refused.status).toBe(429)
    expect(refused.body.code).toBe("KITH_ERR_RATE_LIMITED")
  })

  it("lets the operator read reports with the reports tool, and delete one once dealt with", async () => {
    now = Date.now()
    const someone = await newUser(t.url)
    const res = await call<{ reportId: string }>(t.url, "submitReport", {
      token: someone.token,
      body: { reason: "threat", messages: [{ ...chosen()[0], text: "a threat, quoted" }] },
    })
    expect(res.status).toBe(200)
    const listed = await run(tsx, [tool, "--data-dir", t.dataDir])
    const reports = listed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; reason: string; messages: { text: string }[] })
    const mine = reports.find((r) => r.id === res.body.reportId)!
    expect(mine.reason).toBe("threat")
    expect(mine.messages[0]!.text).toBe("a threat, quoted")

    const deleted = await run(tsx, [tool, "--data-dir", t.dataDir, "--delete", res.body.reportId])
    expect(deleted.stdout).toContain("deleted")
    expect(await t.rows("SELECT id FROM reports WHERE id = ?", res.body.reportId)).toEqual([])
  })
})
