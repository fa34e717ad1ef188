import { execFile } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, test, type Page } from "@playwright/test"
import { appUrl, openChat, register, watchPage, type Person } from "./support/people"

const run = promisify(execFile)

/**
 * Script injection through every field another person controls: display
 * names, friend-request greetings, group names, file names and captions
 * (sent by a terminal client, since the web composer has no caption), and
 * usernames. Each shows as the characters typed; no dialog opens, no CSP
 * violation is reported (watchPage), and no element appears from them. The
 * chat-message case lives in chat.spec.ts.
 */
const hostile = {
  name: `<img src=x onerror=alert('name')>`,
  greeting: `<script>alert('greeting')</script><b>hi</b>`,
  group: `<svg onload=alert('group')></svg>`,
  cliName: `"><iframe srcdoc="<script>parent.alert('cli')</script>">`,
  fileName: `<img src=x onerror=alert('file')>.txt`,
  caption: `<a href="javascript:alert('caption')">open me</a>`,
}

/** Elements the hostile strings would have created had any been parsed as markup. */
async function injected(page: Page): Promise<number> {
  return page
    .locator(
      "#root img[src=x], #root script, #root iframe, #root svg[onload], #root a[href^=javascript], #root b",
    )
    .count()
}

test.describe.serial("markup in every user-controlled field shows as text", () => {
  let mallory: Person
  let vic: Person
  let cliHome: string
  const problems: string[] = []
  const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

  /** A terminal client as a third person: its fields are written by a different client than the web app. */
  async function kith(...args: string[]): Promise<string> {
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "packages/cli/src/main.ts",
        "--home",
        cliHome,
        "--server",
        appUrl(),
        "--json",
        ...args,
      ],
      { cwd: repoRoot },
    )
    return stdout
  }

  test.beforeAll(async ({ browser }) => {
    // Usernames cannot hold markup (see the last test), so the name is set after registering.
    mallory = await register(browser, "Mallory")
    await mallory.page.goto("/#/me/profile")
    await mallory.page.getByLabel("Your name").fill(hostile.name)
    await mallory.page.getByRole("button", { name: "Save" }).click()
    await expect(mallory.page.getByTestId("profile-saved")).toBeVisible()
    vic = await register(browser, "Vic")
    watchPage(mallory.page, problems)
    watchPage(vic.page, problems)
    cliHome = await mkdtemp(join(tmpdir(), "kith-xss-cli-"))
  })

  test.afterAll(async () => {
    await mallory?.context.close()
    await vic?.context.close()
    if (cliHome) await rm(cliHome, { recursive: true, force: true })
  })

  test.afterEach(async () => {
    expect(problems).toEqual([])
    for (const page of [mallory.page, vic.page]) expect(await injected(page)).toBe(0)
  })

  test("a display name and a greeting", async () => {
    await mallory.page.goto("/#/contacts/add")
    await mallory.page.getByLabel("Username").fill(vic.username)
    await mallory.page.getByLabel("Greeting (optional)").fill(hostile.greeting)
    await mallory.page.getByRole("button", { name: "Send friend request" }).click()
    await expect(mallory.page.getByTestId("request-sent")).toBeVisible({ timeout: 60_000 })
    await vic.page.goto("/#/contacts/requests")
    const request = vic.page.getByTestId("incoming-request")
    await expect(request.getByText(hostile.name, { exact: true })).toBeVisible({ timeout: 60_000 })
    await expect(request.getByText(hostile.greeting, { exact: true })).toBeVisible()
    await request.getByRole("button", { name: "Accept" }).click()
    await vic.page.goto("/#/contacts")
    await expect(vic.page.getByTestId("friend-list").getByText(hostile.name, { exact: true })).toBeVisible({
      timeout: 60_000,
    })
    await openChat(vic, hostile.name)
  })

  test("a group name", async () => {
    await mallory.page.goto("/#/chats/new-group")
    await mallory.page.getByLabel("Group name").fill(hostile.group)
    await mallory.page.getByLabel("Vic").check()
    await mallory.page.getByRole("button", { name: "Create group" }).click()
    await expect(mallory.page.getByTestId("chat-title")).toHaveText(hostile.group, { timeout: 60_000 })
    await vic.page.goto("/#/chats")
    await expect(vic.page.getByTestId("chat-row").getByText(hostile.group, { exact: true })).toBeVisible({
      timeout: 60_000,
    })
    await openChat(vic, hostile.group)
  })

  test("a file name sent from the web app", async () => {
    await openChat(mallory, "Vic")
    await mallory.page.getByTestId("attach-input").setInputFiles({
      name: hostile.fileName,
      mimeType: "text/plain",
      buffer: Buffer.from("just text"),
    })
    await openChat(vic, hostile.name)
    await expect(vic.page.getByTestId("attachment").filter({ hasText: hostile.fileName })).toBeVisible({
      timeout: 60_000,
    })
  })

  test("a display name, file name and caption from another client", async () => {
    const registered = JSON.parse(await kith("register", "--name", hostile.cliName)) as { accountId: string }
    expect(registered.accountId).toBeTruthy()
    await kith("username", `carl_${Date.now().toString(36)}`)
    await kith("friend", "add", vic.username, "--greeting", hostile.greeting)
    await vic.page.goto("/#/contacts/requests")
    const request = vic.page
      .getByTestId("incoming-request")
      .filter({ has: vic.page.getByText(hostile.cliName, { exact: true }) })
    await expect(request).toBeVisible({ timeout: 60_000 })
    await request.getByRole("button", { name: "Accept" }).click()
    await expect(vic.page.getByTestId("incoming-request")).toHaveCount(0, { timeout: 60_000 })

    // The terminal client sends a file under its own name on disk.
    const named = join(cliHome, hostile.fileName)
    await writeFile(named, "hello")
    await expect
      .poll(
        async () => {
          try {
            await kith("send-file", vic.username, named, "--caption", hostile.caption)
            return true
          } catch {
            return false // the friendship may still be settling on the terminal side
          }
        },
        { timeout: 60_000 },
      )
      .toBe(true)
    await openChat(vic, hostile.cliName)
    const attachment = vic.page.getByTestId("attachment").filter({ hasText: hostile.caption })
    await expect(attachment).toBeVisible({ timeout: 60_000 })
    await expect(attachment).toContainText(hostile.fileName)
  })

  test("a username with markup is refused and shown as typed", async () => {
    await mallory.page.goto("/#/me/profile")
    await mallory.page.getByLabel("Username").fill("<b>bold</b>")
    await mallory.page.getByRole("button", { name: "Claim username" }).click()
    await expect(mallory.page.getByRole("alert")).toContainText("Usernames are 3")
    await expect(mallory.page.getByLabel("Username")).toHaveValue("<b>bold</b>")
  })
})
