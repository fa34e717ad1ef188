import { expect, test } from "@playwright/test"
import { messages, openApp, openChat, register, send, type Person } from "./support/people"

/**
 * The QR paths, as a person without a camera uses them: add a friend by
 * uploading a picture of their code, verify a safety number by uploading a
 * picture of theirs; then search local history, and restore an account on a
 * fresh browser from its recovery phrase.
 */
test.describe.serial("QR codes, search and recovery", () => {
  let mia: Person
  let ned: Person

  test.beforeAll(async ({ browser }) => {
    mia = await register(browser, "Mia")
    ned = await register(browser, "Ned")
  })

  test.afterAll(async () => {
    await mia?.context.close()
    await ned?.context.close()
  })

  test("a friend is added by uploading a picture of their QR code", async () => {
    await ned.page.goto("/#/me/my-qr")
    const picture = await ned.page.getByTestId("my-qr").locator("img").screenshot()
    await mia.page.goto("/#/contacts/add")
    await mia.page
      .getByTestId("qr-upload")
      .setInputFiles({ name: "ned.png", mimeType: "image/png", buffer: picture })
    await expect(mia.page.getByTestId("request-sent")).toBeVisible({ timeout: 60_000 })
    await expect(mia.page.getByLabel("Username")).toHaveValue(ned.username)
    await ned.page.goto("/#/contacts/requests")
    await ned.page.getByTestId("incoming-request").getByRole("button", { name: "Accept" }).click()
    await openChat(ned, "Mia")
    await send(ned, "Found you through your QR code")
    await openChat(mia, "Ned")
    await expect(messages(mia, "Found you through your QR code")).toHaveCount(1)
  })

  test("local search finds a message", async () => {
    await send(mia, "The museum opens at ten on Sundays")
    await mia.page.goto("/#/chats")
    await mia.page.getByLabel("Search chats and messages").fill("MUSEUM")
    const results = mia.page.getByTestId("search-results")
    await expect(results.getByRole("link")).toHaveCount(1)
    await expect(results).toContainText("opens at ten")
    await mia.page.getByLabel("Search chats and messages").fill("no such words anywhere")
    await expect(mia.page.getByText("Nothing found on this device.")).toBeVisible()
  })

  test("safety numbers match on both sides and are verified by scanning", async () => {
    const miaAccount = new URL(await friendHref(ned, "Mia")).hash.split("/").pop()!
    const nedAccount = new URL(await friendHref(mia, "Ned")).hash.split("/").pop()!
    await mia.page.goto(`/#/contacts/safety/${nedAccount}`)
    await ned.page.goto(`/#/contacts/safety/${miaAccount}`)
    const number = await mia.page.getByTestId("safety-number").innerText()
    expect(number.replace(/\D/g, "")).toHaveLength(60)
    // The same 60 digits on both sides.
    await expect(ned.page.getByTestId("safety-number")).toBeVisible()
    expect((await ned.page.getByTestId("safety-number").innerText()).replace(/\D/g, "")).toBe(
      number.replace(/\D/g, ""),
    )
    const picture = await mia.page.getByRole("img", { name: "Safety number QR code" }).screenshot()
    await ned.page
      .getByTestId("qr-upload")
      .setInputFiles({ name: "safety.png", mimeType: "image/png", buffer: picture })
    await expect(ned.page.getByTestId("safety-match")).toBeVisible()
    await ned.page.goto(`/#/contacts/${miaAccount}`)
    await expect(ned.page.locator(".profile-head").getByText("Verified", { exact: true })).toBeVisible()
  })

  test("an account is restored on a fresh browser from its recovery phrase", async ({ browser }) => {
    const fresh = await openApp(browser)
    await fresh.page.getByRole("button", { name: "Restore from recovery phrase" }).click()
    await fresh.page.getByLabel("Recovery phrase (24 words)").fill(mia.recoveryPhrase.join(" "))
    await fresh.page.getByRole("button", { name: "Restore from recovery phrase" }).click()
    await expect(fresh.page.getByTestId("tab-chats")).toBeVisible({ timeout: 60_000 })
    await fresh.page.goto("/#/me/devices")
    // The restored browser is a new device of the same account.
    await expect(fresh.page.getByTestId("device")).toHaveCount(2)
    await fresh.context.close()
  })
})

async function friendHref(person: Person, name: string): Promise<string> {
  await person.page.goto("/#/contacts")
  const link = person.page.getByTestId("friend-list").getByRole("link", { name })
  await expect(link).toBeVisible({ timeout: 60_000 })
  return new URL((await link.getAttribute("href"))!, person.page.url()).toString()
}
