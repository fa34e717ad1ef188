import { expect, test } from "@playwright/test"
import { chromiumArgs, chromiumPath } from "../../playwright.config"
import { twoFriendsForSuite, type Person } from "./support/people"

/**
 * A voice message recorded from Chromium's fake microphone (its capture
 * flags only here: this file gets a browser of its own) and played by the
 * other person, whose copy goes from unplayed to played.
 */
test.use({
  launchOptions: {
    executablePath: chromiumPath,
    args: [...chromiumArgs, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
  },
})

test.describe.serial("voice messages", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends), { chatOpen: true })

  test("one records a voice message, the other plays it and it counts as played", async () => {
    await alice.page.getByTestId("record-voice").click()
    // Record until the counter shows two seconds of sound, then send.
    await expect(alice.page.getByTestId("recording")).toContainText(/\b[2-9] s/, { timeout: 30_000 })
    await alice.page.getByTestId("stop-voice").click()
    await expect(alice.page.getByTestId("recording")).toHaveCount(0)

    const player = bob.page.getByTestId("voice-player")
    await expect(player).toBeVisible({ timeout: 60_000 })
    await expect(player).toHaveAttribute("data-played", "false")
    await expect(player.locator(".bar")).not.toHaveCount(0) // the waveform came with it
    await player.getByTestId("play-voice").click()
    await expect(player).toHaveAttribute("data-played", "true")
    await expect
      .poll(async () => Number(await player.getByTestId("voice-progress").getAttribute("value")), {
        timeout: 30_000,
      })
      .toBeGreaterThan(0)
  })

  test("a recording can be cancelled: nothing is sent", async () => {
    const before = await bob.page.getByTestId("voice-player").count()
    await alice.page.getByTestId("record-voice").click()
    await expect(alice.page.getByTestId("recording")).toBeVisible()
    await alice.page.getByTestId("cancel-voice").click()
    await expect(alice.page.getByTestId("recording")).toHaveCount(0)
    await alice.page.getByTestId("composer").fill("after the cancelled one")
    await alice.page.getByTestId("send").click()
    await expect(
      bob.page.getByTestId("message-text").getByText("after the cancelled one", { exact: true }),
    ).toBeVisible({
      timeout: 60_000,
    })
    expect(await bob.page.getByTestId("voice-player").count()).toBe(before)
  })

  test("press and hold records, release sends", async () => {
    const before = await bob.page.getByTestId("voice-player").count()
    const mic = alice.page.getByTestId("record-voice")
    const box = (await mic.boundingBox())!
    await alice.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await alice.page.mouse.down()
    const recording = alice.page.getByTestId("recording")
    await expect(recording).toHaveAttribute("data-mode", "hold")
    await expect(recording).toContainText("Slide to cancel")
    await expect(recording.locator(".live-waveform .bar")).not.toHaveCount(0) // the live waveform
    await expect(recording).toContainText(/\b[2-9] s/, { timeout: 30_000 })
    await alice.page.mouse.up()
    await expect(recording).toHaveCount(0)
    await expect(bob.page.getByTestId("voice-player")).toHaveCount(before + 1, { timeout: 60_000 })
  })

  test("sliding away while holding cancels: nothing is sent", async () => {
    const before = await bob.page.getByTestId("voice-player").count()
    const mic = alice.page.getByTestId("record-voice")
    const box = (await mic.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await alice.page.mouse.move(x, y)
    await alice.page.mouse.down()
    const recording = alice.page.getByTestId("recording")
    await expect(recording).toContainText(/\b[1-9] s/, { timeout: 30_000 })
    await alice.page.mouse.move(x - 150, y, { steps: 6 })
    await expect(recording).toContainText("Release to cancel")
    await alice.page.mouse.up()
    await expect(recording).toHaveCount(0)
    await alice.page.getByTestId("composer").fill("after the slid-away one")
    await alice.page.getByTestId("send").click()
    await expect(
      bob.page.getByTestId("message-text").getByText("after the slid-away one", { exact: true }),
    ).toBeVisible({ timeout: 60_000 })
    expect(await bob.page.getByTestId("voice-player").count()).toBe(before)
  })
})
