import { expect, test } from "@playwright/test"
import { befriend, messages, openChat, register, send, type Person } from "./support/people"

/** A group of three; the admin removes one member, who then stops seeing its messages. */
test.describe.serial("a group of three", () => {
  let ana: Person
  let ben: Person
  let cai: Person

  test.beforeAll(async ({ browser }) => {
    ana = await register(browser, "Ana")
    ben = await register(browser, "Ben")
    cai = await register(browser, "Cai")
    await befriend(ana, ben)
    await befriend(ana, cai)
  })

  test.afterAll(async () => {
    for (const p of [ana, ben, cai]) await p?.context.close()
  })

  test("the group is created and everyone chats", async () => {
    await ana.page.goto("/#/chats/new-group")
    await ana.page.getByLabel("Group name").fill("Hiking club")
    await ana.page.getByLabel("Ben").check()
    await ana.page.getByLabel("Cai").check()
    await ana.page.getByRole("button", { name: "Create group" }).click()
    await expect(ana.page.getByTestId("chat-title")).toHaveText("Hiking club", { timeout: 60_000 })
    await send(ana, "Saturday, 8am at the station?")
    for (const p of [ben, cai]) {
      await openChat(p, "Hiking club")
      await expect(messages(p, "Saturday, 8am at the station?")).toHaveCount(1)
    }
    await send(ben, "Count me in")
    await expect(messages(cai, "Count me in")).toHaveCount(1)
    await expect(messages(ana, "Count me in")).toHaveCount(1)
    // Every membership change leaves a line in the chat.
    await expect(ben.page.getByTestId("system-line").first()).toBeVisible()
  })

  test("a removed member stops seeing messages", async () => {
    await ana.page.getByTestId("chat-info").click()
    await expect(ana.page.getByTestId("member")).toHaveCount(3)
    await ana.page.getByRole("button", { name: "Remove Cai from the group" }).click()
    await expect(ana.page.getByTestId("member")).toHaveCount(2, { timeout: 60_000 })
    await openChat(ana, "Hiking club")
    await expect(ana.page.getByTestId("system-line").filter({ hasText: "Cai" }).last()).toBeVisible()

    // Cai learns it was removed; its composer closes.
    await expect(cai.page.getByTestId("composer")).toBeDisabled({ timeout: 60_000 })

    await send(ana, "Plan B: meet at the bridge")
    await expect(messages(ben, "Plan B: meet at the bridge")).toHaveCount(1)
    await expect(ben.page.getByTestId("system-line").filter({ hasText: "Cai" }).last()).toBeVisible()
    // Ben has it; Cai, whose devices are no longer in the group, never does — even after a reload.
    await cai.page.reload()
    await openChat(cai, "Hiking club")
    await expect(messages(cai, "Count me in")).toHaveCount(1)
    await expect(messages(cai, "Plan B: meet at the bridge")).toHaveCount(0)
  })

  test("the admin renames the group and every member sees it", async () => {
    await ana.page.getByTestId("chat-info").click()
    await ana.page.getByLabel("Group name").fill("Hiking club 🥾")
    await ana.page.getByRole("button", { name: "Rename" }).click()
    await openChat(ben, "Hiking club 🥾")
    await expect(
      ben.page.getByTestId("system-line").filter({ hasText: "Hiking club 🥾" }).last(),
    ).toBeVisible()
    // Ben is not an admin: his details screen offers no renaming.
    await ben.page.getByTestId("chat-info").click()
    await expect(ben.page.getByTestId("member")).toHaveCount(2)
    await expect(ben.page.getByLabel("Group name")).toHaveCount(0)
  })

  test("a member leaves and the others see it", async () => {
    await ben.page.getByRole("button", { name: "Leave group" }).click()
    await openChat(ana, "Hiking club 🥾")
    await ana.page.getByTestId("chat-info").click()
    await expect(ana.page.getByTestId("member")).toHaveCount(1, { timeout: 60_000 })
  })
})
