import { expect, test } from "@playwright/test"
import { openApp, register } from "./support/people"

test("the browser's language is the default", async ({ browser }) => {
  const { context, page } = await openApp(browser, undefined, "zh-TW")
  await expect(page.getByRole("heading", { name: "歡迎使用 Kith" })).toBeVisible()
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-Hant")
  await context.close()
})

test("switching to Arabic lays the app out right to left", async ({ browser }) => {
  const hana = await register(browser, "Hana")
  const page = hana.page
  await page.goto("/#/me/language")
  await page.getByLabel("العربية").check()
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl")
  await expect(page.locator("html")).toHaveAttribute("lang", "ar")
  await page.goto("/#/chats")
  const chats = page.getByTestId("tab-chats")
  const me = page.getByTestId("tab-me")
  await expect(chats).toHaveText(/الدردشات/)
  // The first tab sits at the right edge now, the last at the left.
  const chatsBox = (await chats.boundingBox())!
  const meBox = (await me.boundingBox())!
  expect(chatsBox.x).toBeGreaterThan(meBox.x)
  // The choice survives a reload.
  await page.reload()
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl")
  await expect(page.getByTestId("tab-me")).toHaveText(/أنا/)
  // And back.
  await page.goto("/#/me/language")
  await page.getByLabel("English").check()
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr")
  await hana.context.close()
})
