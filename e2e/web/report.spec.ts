import { expect, test } from "@playwright/test"
import { messages, send, twoFriendsForSuite, type Person } from "./support/people"

/**
 * Reporting from the web app: Bob picks Report on one of Alice's messages,
 * reads the consent dialog, ticks a second message, and only then sends.
 * What leaves his browser is read off the request itself: exactly the two
 * chosen messages — their text, Alice's account id, their times — and
 * nothing else from the chat.
 */
test.describe.serial("reporting messages", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends), { chatOpen: true })

  test("sends exactly the ticked messages, only after the consent dialog", async () => {
    const texts = ["An ordinary hello", "Buy cheap followers now", "Last chance, click the link"]
    for (const text of texts) await send(alice, text)
    for (const text of texts) await expect(messages(bob, text)).toHaveCount(1)
    await send(bob, "Bob's own words")

    const reports: unknown[] = []
    bob.page.on("request", (request) => {
      if (request.url().endsWith("/v1/reports")) reports.push(request.postDataJSON())
    })

    await messages(bob, texts[1]!).locator(".bubble").click()
    await bob.page.getByTestId("report").click()
    const dialog = bob.page.getByTestId("report-dialog")
    await expect(dialog).toBeVisible()
    await expect(dialog.getByTestId("report-consent")).toContainText("Only the messages you tick")
    // Bob's own message is not offered; the one he chose comes ticked.
    await expect(dialog.getByTestId("report-choice")).toHaveCount(3)
    await expect(dialog.getByText("Bob's own words")).toHaveCount(0)
    const preview = dialog.getByTestId("report-preview").locator("li")
    await expect(preview).toHaveCount(1)
    await expect(preview.first()).toContainText(texts[1]!)

    await dialog.getByLabel(texts[2]!, { exact: false }).check()
    await expect(preview).toHaveCount(2)
    await dialog.getByTestId("report-reason").selectOption("spam")
    expect(reports).toEqual([]) // nothing left before consent
    await dialog.getByTestId("report-send").click()
    await expect(dialog.getByTestId("report-sent")).toBeVisible()
    await dialog.getByRole("button", { name: "Dismiss" }).click()
    await expect(dialog).toHaveCount(0)

    expect(reports).toHaveLength(1)
    const sent = reports[0] as { reason: string; messages: { text: string; senderAccountId: string }[] }
    expect(sent.reason).toBe("spam")
    expect(sent.messages.map((m) => m.text)).toEqual([texts[1], texts[2]])
    expect(new Set(sent.messages.map((m) => m.senderAccountId)).size).toBe(1)
    expect(Object.keys(sent).sort()).toEqual(["messages", "reason"])
    for (const m of sent.messages)
      expect(Object.keys(m).sort()).toEqual(["senderAccountId", "sentAtMs", "text"])
    expect(JSON.stringify(sent)).not.toContain(texts[0])
    expect(JSON.stringify(sent)).not.toContain("Bob's own words")
  })

  test("cancelling the dialog sends nothing", async () => {
    const reports: string[] = []
    bob.page.on("request", (request) => {
      if (request.url().endsWith("/v1/reports")) reports.push(request.url())
    })
    await messages(bob, "An ordinary hello").locator(".bubble").click()
    await bob.page.getByTestId("report").click()
    const dialog = bob.page.getByTestId("report-dialog")
    await expect(dialog.getByTestId("report-preview").locator("li")).toHaveCount(1)
    await dialog.getByRole("button", { name: "Cancel" }).click()
    await expect(dialog).toHaveCount(0)
    expect(reports).toEqual([])
  })
})
