import AxeBuilder from "@axe-core/playwright"
import { expect, test, type Page } from "@playwright/test"
import { befriend, desktop, openApp, openChat, phone, register, send, type Person } from "./support/people"

/**
 * The main screens at a phone and a desktop size: each is checked by axe-core
 * (no serious or critical violations) and photographed into
 * test-results/web/screenshots/ for people to look at.
 */
const screens: { name: string; hash: string; ready: (page: Page) => Promise<void> }[] = [
  { name: "chats", hash: "#/chats", ready: (p) => expect(p.getByTestId("chat-list")).toBeVisible() },
  { name: "chat", hash: "", ready: (p) => expect(p.getByTestId("message").first()).toBeVisible() },
  { name: "contacts", hash: "#/contacts", ready: (p) => expect(p.getByTestId("friend-list")).toBeVisible() },
  { name: "discover", hash: "#/discover", ready: (p) => expect(p.getByText("People Nearby")).toBeVisible() },
  { name: "me", hash: "#/me", ready: (p) => expect(p.getByTestId("my-name")).toBeVisible() },
  { name: "profile", hash: "#/me/profile", ready: (p) => expect(p.getByLabel("Your name")).toBeVisible() },
  {
    name: "my-qr",
    hash: "#/me/my-qr",
    ready: (p) => expect(p.getByTestId("my-qr").locator("img")).toBeVisible(),
  },
  { name: "devices", hash: "#/me/devices", ready: (p) => expect(p.getByTestId("device")).toHaveCount(1) },
  {
    name: "add-friend",
    hash: "#/contacts/add",
    ready: (p) => expect(p.getByLabel("Username")).toBeVisible(),
  },
  {
    name: "requests",
    hash: "#/contacts/requests",
    ready: (p) => expect(p.getByText("No friend requests.")).toBeVisible(),
  },
  { name: "chat-info", hash: "info", ready: (p) => expect(p.getByTestId("member")).toHaveCount(2) },
  { name: "safety", hash: "safety", ready: (p) => expect(p.getByTestId("safety-number")).toBeVisible() },
  {
    name: "privacy",
    hash: "#/me/privacy",
    ready: (p) => expect(p.getByTestId("read-receipts-toggle")).toBeVisible(),
  },
  {
    name: "app-lock",
    hash: "#/me/app-lock",
    ready: (p) => expect(p.getByLabel("New passcode", { exact: true })).toBeVisible(),
  },
  { name: "language", hash: "#/me/language", ready: (p) => expect(p.getByLabel("Čeština")).toBeVisible() },
]

async function checkAndShoot(page: Page, name: string, size: string): Promise<void> {
  await page.screenshot({ path: `test-results/web/screenshots/${name}-${size}.png` })
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze()
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)
  expect(bad, `${name} at ${size}`).toEqual([])
}

test.describe.serial("main screens", () => {
  let ivy: Person
  let jon: Person
  let chatHash = ""
  let jonId = ""

  test.beforeAll(async ({ browser }) => {
    ivy = await register(browser, "Ivy")
    jon = await register(browser, "Jon")
    await befriend(ivy, jon)
    await openChat(ivy, "Jon")
    await send(ivy, "Are we still on for dinner tonight? 🍜")
    await openChat(jon, "Ivy")
    await send(jon, "Yes! 7pm at the noodle place.")
    await openChat(ivy, "Jon")
    await expect(ivy.page.getByTestId("message")).toHaveCount(2)
    chatHash = new URL(ivy.page.url()).hash
    await ivy.page.goto("/#/contacts")
    const jonLink = ivy.page.getByTestId("friend-list").getByRole("link", { name: "Jon" })
    jonId = decodeURIComponent((await jonLink.getAttribute("href"))!.split("/").pop()!)
  })

  test.afterAll(async () => {
    await ivy?.context.close()
    await jon?.context.close()
  })

  test("welcome screen", async ({ browser }) => {
    for (const [size, viewport] of [
      ["phone", phone],
      ["desktop", desktop],
    ] as const) {
      const { context, page } = await openApp(browser, viewport)
      await expect(page.getByRole("button", { name: "Create an account" })).toBeVisible()
      await checkAndShoot(page, "welcome", size)
      await context.close()
    }
  })

  for (const [size, viewport] of [
    ["phone", phone],
    ["desktop", desktop],
  ] as const) {
    test(`signed-in screens at ${size} size`, async () => {
      await ivy.page.setViewportSize(viewport)
      for (const screen of screens) {
        const hash =
          screen.hash === ""
            ? chatHash
            : screen.hash === "info"
              ? `${chatHash}/info`
              : screen.hash === "safety"
                ? `#/contacts/safety/${jonId}`
                : screen.hash
        await ivy.page.goto("/" + hash)
        await screen.ready(ivy.page)
        await checkAndShoot(ivy.page, screen.name, size)
      }
    })
  }

  test("Arabic, right to left", async () => {
    await ivy.page.setViewportSize(phone)
    await ivy.page.goto("/#/me/language")
    await ivy.page.getByLabel("العربية").check()
    await ivy.page.goto("/" + chatHash)
    await expect(ivy.page.getByTestId("message")).toHaveCount(2)
    await checkAndShoot(ivy.page, "chat-arabic", "phone")
    await ivy.page.goto("/#/me/language")
    await ivy.page.getByLabel("English").check()
  })
})
