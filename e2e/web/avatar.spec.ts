import { expect, test, type Page } from "@playwright/test"
import { openChat, twoFriendsForSuite, type Person } from "./support/people"

/** A picture drawn by the browser: left half red, right half blue. */
async function picture(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 200)
    const g = canvas.getContext("2d")!
    g.fillStyle = "#d22"
    g.fillRect(0, 0, 150, 200)
    g.fillStyle = "#22d"
    g.fillRect(150, 0, 150, 200)
    const blob = await canvas.convertToBlob({ type: "image/png" })
    return Array.from(new Uint8Array(await blob.arrayBuffer()))
  })
  return Buffer.from(bytes)
}

/** The colour at the middle of a shown picture, read back through a canvas. */
function centreColour(page: Page, testId: string) {
  return page
    .getByTestId(testId)
    .first()
    .evaluate(async (img: HTMLImageElement) => {
      await img.decode()
      const canvas = document.createElement("canvas")
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const g = canvas.getContext("2d")!
      g.drawImage(img, 0, 0)
      const [r, , b] = g.getImageData(img.naturalWidth / 2, img.naturalHeight / 2, 1, 1).data
      return { r: r!, b: b!, width: img.naturalWidth, height: img.naturalHeight }
    })
}

test.describe.serial("profile pictures", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends))

  test("a picture cut to a square on the device is what a friend sees, everywhere Alice appears", async () => {
    await alice.page.goto("/#/me/profile")
    await alice.page.getByTestId("avatar-input").setInputFiles({
      name: "me.png",
      mimeType: "image/png",
      buffer: await picture(alice.page),
    })
    // Slide the square to the right-hand (blue) end of the picture.
    await alice.page.getByTestId("avatar-x").fill("1")
    await alice.page.getByTestId("avatar-save").click()
    await expect(alice.page.getByTestId("avatar-editor").getByTestId("avatar-picture")).toBeVisible({
      timeout: 30_000,
    })
    await expect(alice.page.getByTestId("avatar-remove")).toBeVisible()

    // Bob's app fetches friends' profiles once per session: a reload brings the new one.
    await bob.page.reload()
    await bob.page.goto("/#/contacts")
    const friend = bob.page.getByTestId("friend-list").locator("li", { hasText: "Alice" })
    await expect(friend.getByTestId("avatar-picture")).toBeVisible({ timeout: 60_000 })
    const shown = await centreColour(bob.page, "avatar-picture")
    expect(shown.width).toBe(shown.height) // square
    expect(shown.b).toBeGreaterThan(150) // the blue end was chosen…
    expect(shown.r).toBeLessThan(100) // …not the red one

    await openChat(bob, "Alice")
    await expect(bob.page.locator(".topbar").getByTestId("avatar-picture")).toBeVisible()
    await bob.page.goto("/#/chats")
    await expect(bob.page.getByTestId("chat-row").getByTestId("avatar-picture")).toBeVisible()
  })

  test("removing the picture brings the initials back for the friend", async () => {
    await alice.page.goto("/#/me/profile")
    await alice.page.getByTestId("avatar-remove").click()
    await expect(alice.page.getByTestId("avatar-remove")).toHaveCount(0)
    await bob.page.reload()
    await bob.page.goto("/#/contacts")
    const friend = bob.page.getByTestId("friend-list").locator("li", { hasText: "Alice" })
    await expect(friend.locator(".avatar")).toHaveText("A", { timeout: 60_000 })
    await expect(friend.getByTestId("avatar-picture")).toHaveCount(0)
  })
})
