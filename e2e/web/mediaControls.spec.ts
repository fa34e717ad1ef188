import { randomFillSync } from "node:crypto"
import { readFile } from "node:fs/promises"
import { expect, test, type CDPSession, type Locator, type Page, type Request } from "@playwright/test"
import { befriend, openChat, register, twoFriendsForSuite, watchPage, type Person } from "./support/people"

/**
 * The web app's controls over media: the one-time notice about photo
 * metadata, pausing and resuming a large upload (it continues from the
 * server's offset), forwarding without a second upload, and download progress.
 */

/** Requests to the blob store made by a page (tus creation, PATCHes, downloads). */
function blobRequests(page: Page): Request[] {
  const seen: Request[] = []
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/v1/blobs")) seen.push(r)
  })
  return seen
}

/** Uplink speeds the tests switch between; one of them mid-upload. */
const networks = {
  slowUplink: { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 1024 * 1024 },
  unthrottled: { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
  offline: { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 },
}

/**
 * A slow uplink for `person`, so there is time to act mid-upload. Later changes
 * go through the returned DevTools session: a second one would not override it.
 */
async function slowUplink(person: Person): Promise<CDPSession> {
  const cdp = await person.context.newCDPSession(person.page)
  await cdp.send("Network.enable")
  await setNetwork(cdp, "slowUplink")
  return cdp
}

async function setNetwork(cdp: CDPSession, network: keyof typeof networks): Promise<void> {
  await cdp.send("Network.emulateNetworkConditions", networks[network])
}

/** The message bubble in `person`'s open chat that carries the file `name`. */
function fileMessage(person: Person, name: string): Locator {
  return person.page.locator("[data-testid=message]", { has: person.page.getByText(name, { exact: false }) })
}

/** Saves the attachment of `message` through the browser's download and reads what arrived. */
async function saveAttachment(page: Page, message: Locator): Promise<Buffer> {
  const downloading = page.waitForEvent("download")
  await message.getByTestId("save-attachment").click()
  return readFile((await (await downloading).path())!)
}

async function photo(page: Page, colour: string): Promise<Buffer> {
  const bytes = await page.evaluate(async (fill) => {
    const canvas = new OffscreenCanvas(40, 30)
    const g = canvas.getContext("2d")!
    g.fillStyle = fill
    g.fillRect(0, 0, 40, 30)
    const blob = await canvas.convertToBlob({ type: "image/jpeg" })
    return Array.from(new Uint8Array(await blob.arrayBuffer()))
  }, colour)
  return Buffer.from(bytes)
}

test.describe.serial("media controls", () => {
  let alice: Person
  let bob: Person
  let carol: Person
  let aliceBlobs: Request[]
  const problems = twoFriendsForSuite((friends) => ([alice, bob] = friends))

  test.beforeAll(async ({ browser }) => {
    carol = await register(browser, "Carol")
    watchPage(carol.page, problems)
    await befriend(alice, carol)
    aliceBlobs = blobRequests(alice.page)
    await openChat(alice, "Bob")
    await openChat(bob, "Alice")
  })

  test.afterAll(async () => {
    await carol?.context.close()
  })

  test("the first photo sent says once that location and camera details are removed", async () => {
    await expect(alice.page.getByTestId("photo-notice")).toHaveCount(0)
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "one.jpg",
      mimeType: "image/jpeg",
      buffer: await photo(alice.page, "#3a7"),
    })
    const notice = alice.page.getByTestId("photo-notice")
    await expect(notice).toContainText("without their location and camera details")
    await notice.getByRole("button", { name: "Dismiss" }).click()
    await expect(notice).toHaveCount(0)
    const photos = bob.page.locator("[data-media=photo]")
    await expect(photos).toHaveCount(1, { timeout: 60_000 })

    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "two.jpg",
      mimeType: "image/jpeg",
      buffer: await photo(alice.page, "#a37"),
    })
    await expect(photos).toHaveCount(2, { timeout: 60_000 })
    await expect(notice).toHaveCount(0)
    await alice.page.reload()
    await openChat(alice, "Bob")
    await expect(notice).toHaveCount(0)
    // The attach button no longer carries the notice in its label.
    await expect(alice.page.getByText("Attach a file or photo", { exact: true })).toHaveCount(1)
  })

  test("a large upload pauses and resumes from where the server is, into one blob", async () => {
    const bytes = randomFillSync(Buffer.alloc(16 * 1024 * 1024))
    const cdp = await slowUplink(alice)
    const before = aliceBlobs.length
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "film.bin",
      mimeType: "application/octet-stream",
      buffer: bytes,
    })
    const upload = alice.page.getByTestId("upload")
    const progress = alice.page.getByTestId("upload-progress")
    await expect
      .poll(async () => Number(await progress.getAttribute("value")), { timeout: 60_000 })
      .toBeGreaterThan(0)
    await upload.getByTestId("upload-pause").click()
    await expect(upload).toHaveAttribute("data-status", "paused")
    await expect(upload).toContainText("Paused: film.bin")
    const heldWhenPaused = Number(await progress.getAttribute("value"))
    expect(heldWhenPaused).toBeLessThan(bytes.length)

    await setNetwork(cdp, "unthrottled")
    await upload.getByTestId("upload-resume").click()
    await expect(upload).toHaveCount(0, { timeout: 180_000 })

    const mine = aliceBlobs.slice(before)
    expect(mine.filter((r) => r.method() === "POST")).toHaveLength(1) // one blob, created once
    const resumedAt = mine
      .filter((r) => r.method() === "PATCH")
      .map((r) => Number(r.headers()["upload-offset"]))
    // Once resumed it went on from the server's offset: no PATCH started from zero again.
    expect(resumedAt.filter((offset) => offset === 0)).toHaveLength(1)
    expect(mine.some((r) => r.method() === "HEAD")).toBe(true)

    const bubble = fileMessage(bob, "film.bin")
    await expect(bubble).toBeVisible({ timeout: 60_000 })
    const downloading = bob.page.waitForEvent("download")
    await bubble.getByTestId("save-attachment").click()
    // The download shows its progress while it runs.
    await expect(bob.page.getByTestId("download-progress")).toBeVisible()
    const download = await downloading
    expect((await readFile((await download.path())!)).equals(bytes)).toBe(true)
    await expect(bob.page.getByTestId("download-progress")).toHaveCount(0)
  })

  test("an upload that failed (the network went away) is retried from the server's offset", async () => {
    const bytes = randomFillSync(Buffer.alloc(12 * 1024 * 1024))
    const cdp = await slowUplink(alice)
    const before = aliceBlobs.length
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "tunnel.bin",
      mimeType: "application/octet-stream",
      buffer: bytes,
    })
    const upload = alice.page.getByTestId("upload")
    // The network goes away as soon as the blob exists at the server, mid-upload.
    await expect
      .poll(() => aliceBlobs.slice(before).some((r) => r.method() === "POST"), { timeout: 60_000 })
      .toBe(true)
    await setNetwork(cdp, "offline")
    // The engine retries a few times with backoff, then gives up: the bar says so and offers Retry.
    await expect(upload).toHaveAttribute("data-status", "failed", { timeout: 90_000 })
    await expect(upload).toContainText("Could not upload tunnel.bin")
    await setNetwork(cdp, "unthrottled")
    await upload.getByTestId("upload-retry").click()
    await expect(upload).toHaveCount(0, { timeout: 180_000 })
    // The same blob went on (asked its offset first); no second one was created.
    const mine = aliceBlobs.slice(before)
    expect(mine.filter((r) => r.method() === "POST")).toHaveLength(1)
    expect(mine.some((r) => r.method() === "HEAD")).toBe(true)

    const bubble = fileMessage(bob, "tunnel.bin")
    await expect(bubble).toBeVisible({ timeout: 60_000 })
    expect((await saveAttachment(bob.page, bubble)).equals(bytes)).toBe(true)
  })

  test("forwarding a file to another chat sends the same blob: nothing is uploaded again", async () => {
    const bytes = randomFillSync(Buffer.alloc(200 * 1024))
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "minutes.pdf",
      mimeType: "application/pdf",
      buffer: bytes,
    })
    const original = fileMessage(alice, "minutes.pdf")
    await expect(original.getByTestId("delivery-state")).toHaveAttribute(
      "data-state",
      /sent|delivered|read/,
      {
        timeout: 60_000,
      },
    )
    const uploadsBefore = aliceBlobs.filter((r) => r.method() === "POST" || r.method() === "PATCH").length

    await original.getByTestId("forward-attachment").click()
    const picker = alice.page.getByTestId("forward-picker")
    await expect(picker).toBeVisible()
    await expect(picker.getByTestId("forward-target")).toHaveCount(1) // Carol's chat; not the one it is in
    await picker.getByTestId("forward-target").filter({ hasText: "Carol" }).click()
    await expect(picker).toHaveCount(0)

    await openChat(carol, "Alice")
    const forwarded = fileMessage(carol, "minutes.pdf")
    await expect(forwarded).toBeVisible({ timeout: 60_000 })
    expect((await saveAttachment(carol.page, forwarded)).equals(bytes)).toBe(true)
    expect(aliceBlobs.filter((r) => r.method() === "POST" || r.method() === "PATCH")).toHaveLength(
      uploadsBefore,
    )
  })

  test("a paused upload that is removed is deleted at the server, freeing its quota", async () => {
    const cdp = await slowUplink(alice)
    const before = aliceBlobs.length
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "second-thoughts.bin",
      mimeType: "application/octet-stream",
      buffer: randomFillSync(Buffer.alloc(8 * 1024 * 1024)),
    })
    const upload = alice.page.getByTestId("upload")
    await expect
      .poll(() => aliceBlobs.slice(before).some((r) => r.method() === "POST"), { timeout: 60_000 })
      .toBe(true)
    await upload.getByTestId("upload-pause").click()
    await expect(upload).toHaveAttribute("data-status", "paused")
    await upload.getByTestId("upload-discard").click()
    await expect(upload).toHaveCount(0)
    await expect
      .poll(() => aliceBlobs.slice(before).filter((r) => r.method() === "DELETE").length, { timeout: 30_000 })
      .toBe(1)
    await setNetwork(cdp, "unthrottled")
  })
})
