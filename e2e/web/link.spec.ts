import { expect, test } from "@playwright/test"
import { befriend, messages, openApp, openChat, register, send, type Person } from "./support/people"

/** A third browser context becomes Dana's second device with a one-time code and gets new messages there. */
test("a linked second device receives new messages of every chat", async ({ browser }) => {
  const dana: Person = await register(browser, "Dana")
  const eli: Person = await register(browser, "Eli")
  await befriend(dana, eli)

  // Dana's first device shows a one-time code.
  await dana.page.goto("/#/me/link-device")
  const code = (await dana.page.getByTestId("link-code").textContent())!.trim()
  expect(code.length).toBeGreaterThan(20)

  // The new device types it in.
  const second = await openApp(browser)
  await second.page.getByRole("button", { name: "Link to my other device" }).click()
  await second.page.getByLabel("Code from your other device").fill(code)
  await second.page.getByRole("button", { name: "Link this device" }).click()
  await expect(second.page.getByTestId("tab-chats")).toBeVisible({ timeout: 90_000 })
  await expect(dana.page.getByTestId("link-done")).toBeVisible({ timeout: 90_000 })

  // Dana now has two devices, each with a fingerprint.
  await dana.page.goto("/#/me/devices")
  await expect(dana.page.getByTestId("device")).toHaveCount(2)

  // Eli writes; both of Dana's devices read it.
  await openChat(eli, "Dana")
  await expect(eli.page.getByTestId("device-warning")).toBeVisible({ timeout: 60_000 })
  await send(eli, "Hello to both your devices")
  const secondDana: Person = { ...dana, context: second.context, page: second.page }
  await openChat(secondDana, "Eli")
  await expect(messages(secondDana, "Hello to both your devices")).toHaveCount(1)
  await openChat(dana, "Eli")
  await expect(messages(dana, "Hello to both your devices")).toHaveCount(1)

  // And what the second device sends reaches Eli.
  await send(secondDana, "Sent from my new device")
  await expect(messages(eli, "Sent from my new device")).toHaveCount(1)

  for (const c of [dana.context, eli.context, second.context]) await c.close()
})
