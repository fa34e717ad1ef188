import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, test } from "@playwright/test"
import { startServer } from "../../packages/server/src/index"
import { webDistDir } from "../../packages/web/src/serveConfig"
import { befriend, messages, openChat, register, send, type Person } from "./support/people"

/**
 * A group member whose mailbox fills up while away: the others keep chatting,
 * and the sender's message says whose device it missed. This spec runs its own
 * Kith server with a tiny mailbox cap (4 entries instead of 10,000), so the
 * mailbox fills within a few messages.
 */
test.describe.serial("a member's full mailbox in a group", () => {
  let kith: Awaited<ReturnType<typeof startServer>>
  let dataDir: string
  let sharedUrl: string | undefined
  let ana: Person
  let ben: Person
  let cai: Person

  test.beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "kith-web-full-mailbox-"))
    kith = await startServer({
      port: 0,
      dataDir,
      powDifficulty: 4,
      logLevel: "warn",
      anonymousRequestsPerMinute: 100_000,
      webDir: webDistDir,
      abuse: { maxQueuedPerMailbox: 4 },
    })
    // The people of this spec use this server; the suite's own comes back afterwards.
    sharedUrl = process.env.KITH_WEB_URL
    process.env.KITH_WEB_URL = kith.url
  })

  test.afterAll(async () => {
    for (const p of [ana, ben, cai]) await p?.context.close().catch(() => {})
    process.env.KITH_WEB_URL = sharedUrl
    await kith?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test("the others receive every message and the sender sees whose device missed it", async ({ browser }) => {
    ana = await register(browser, "Ana")
    ben = await register(browser, "Ben")
    cai = await register(browser, "Cai")
    await befriend(ana, ben)
    await befriend(ana, cai)
    await ana.page.goto("/#/chats/new-group")
    await ana.page.getByLabel("Group name").fill("Night owls")
    await ana.page.getByLabel("Ben").check()
    await ana.page.getByLabel("Cai").check()
    await ana.page.getByRole("button", { name: "Create group" }).click()
    await expect(ana.page.getByTestId("chat-title")).toHaveText("Night owls", { timeout: 60_000 })
    await send(ana, "Who is up?")
    for (const p of [ben, cai]) {
      await openChat(p, "Night owls")
      await expect(messages(p, "Who is up?")).toHaveCount(1)
    }
    await openChat(ben, "Night owls")

    // Cai closes the browser and stays away; Ana keeps writing.
    await cai.context.close()
    const texts = Array.from({ length: 8 }, (_, i) => `still here ${i + 1}`)
    for (const text of texts) {
      await send(ana, text)
      await expect(messages(ana, text)).toHaveCount(1)
    }
    for (const text of texts) await expect(messages(ben, text)).toHaveCount(1, { timeout: 60_000 })
    const note = ana.page.getByTestId("unreachable").first()
    // The name is bidi-isolated (U+2068 … U+2069), as every name in a sentence.
    await expect(note).toHaveText("Not delivered to one of \u2068Cai\u2069's devices: its mailbox is full", {
      timeout: 60_000,
    })
    // None of Ana's messages failed: the group went on without Cai's device.
    await expect(ana.page.locator('[data-testid="delivery-state"][data-state="failed"]')).toHaveCount(0)
  })
})
