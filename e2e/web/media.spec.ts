import { randomFillSync } from "node:crypto"
import { readFile } from "node:fs/promises"
import { expect, test, type Page } from "@playwright/test"
import { twoFriendsForSuite, type Person } from "./support/people"

/**
 * Photos and files in the browser: a photo whose EXIF holds GPS coordinates
 * arrives without any of it; a large upload shows its progress bar; the
 * receiver saves what arrived, decrypted, through the browser's download.
 */

const GPS_MARKER = "KITH-GPS-MARKER-WGS84"

/** An APP1 Exif segment: IFD0 points to a GPS IFD with a latitude reference and a map datum. */
function exifWithGps(): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4 + 2 + 12 * 2 + 4 + GPS_MARKER.length + 1)
  tiff.write("MM\u0000*", 0, "latin1")
  tiff.writeUInt32BE(8, 4) // IFD0 at 8
  tiff.writeUInt16BE(1, 8) // one entry: GPSInfo
  tiff.writeUInt16BE(0x8825, 10)
  tiff.writeUInt16BE(4, 12) // LONG
  tiff.writeUInt32BE(1, 14)
  const gpsIfd = 8 + 2 + 12 + 4
  tiff.writeUInt32BE(gpsIfd, 18)
  tiff.writeUInt32BE(0, 22) // no next IFD
  tiff.writeUInt16BE(2, gpsIfd)
  // GPSLatitudeRef "N"
  tiff.writeUInt16BE(0x0001, gpsIfd + 2)
  tiff.writeUInt16BE(2, gpsIfd + 4) // ASCII
  tiff.writeUInt32BE(2, gpsIfd + 6)
  tiff.write("N\u0000", gpsIfd + 10, "latin1")
  // GPSMapDatum: our marker, stored after the IFD
  const datumAt = gpsIfd + 2 + 24 + 4
  tiff.writeUInt16BE(0x0012, gpsIfd + 14)
  tiff.writeUInt16BE(2, gpsIfd + 16)
  tiff.writeUInt32BE(GPS_MARKER.length + 1, gpsIfd + 18)
  tiff.writeUInt32BE(datumAt, gpsIfd + 22)
  tiff.writeUInt32BE(0, gpsIfd + 26)
  tiff.write(GPS_MARKER, datumAt, "latin1")
  const body = Buffer.concat([Buffer.from("Exif\u0000\u0000", "latin1"), tiff])
  const header = Buffer.alloc(4)
  header.writeUInt16BE(0xffe1, 0)
  header.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([header, body])
}

/** A real JPEG drawn by the browser, with the GPS segment put right after its start marker. */
async function jpegWithGps(page: Page): Promise<Buffer> {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 48)
    const g = canvas.getContext("2d")!
    g.fillStyle = "#3a7"
    g.fillRect(0, 0, 64, 48)
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 })
    return Array.from(new Uint8Array(await blob.arrayBuffer()))
  })
  const jpeg = Buffer.from(bytes)
  return Buffer.concat([jpeg.subarray(0, 2), exifWithGps(), jpeg.subarray(2)])
}

test.describe.serial("photos and files", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends), { chatOpen: true })

  test("a photo with GPS coordinates in its EXIF arrives without them", async () => {
    const photo = await jpegWithGps(alice.page)
    expect(photo.includes(Buffer.from(GPS_MARKER))).toBe(true) // the test photo really has them
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "beach.jpg",
      mimeType: "image/jpeg",
      buffer: photo,
    })
    const bubble = bob.page.locator("[data-testid=message]", {
      has: bob.page.locator("[data-media=photo]"),
    })
    await expect(bubble).toBeVisible({ timeout: 60_000 })
    await expect(bubble.getByTestId("thumbnail")).toBeVisible()
    await bubble.getByTestId("open-photo").click()
    const full = bob.page.getByTestId("photo-viewer-image")
    await expect(full).toBeVisible()
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64)
    await bob.page.getByTestId("close-viewer").click()
    await expect(bob.page.getByTestId("photo-viewer")).toHaveCount(0)
    const downloading = bob.page.waitForEvent("download")
    await bubble.getByTestId("save-attachment").click()
    const download = await downloading
    const received = await readFile((await download.path())!)
    expect(received.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).toBe(true)
    expect(received.includes(Buffer.from(GPS_MARKER))).toBe(false)
    expect(received.includes(Buffer.from("Exif\u0000\u0000", "latin1"))).toBe(false)
    expect(download.suggestedFilename()).toBe("beach.jpg")
  })

  test("a large file shows its upload progress, then arrives and saves intact", async () => {
    const bytes = randomFillSync(Buffer.alloc(24 * 1024 * 1024))
    await alice.page.getByTestId("attach-input").setInputFiles({
      name: "archive.bin",
      mimeType: "application/octet-stream",
      buffer: bytes,
    })
    await expect(alice.page.getByTestId("upload-progress")).toBeVisible()
    await expect(alice.page.getByTestId("upload-progress")).toHaveCount(0, { timeout: 180_000 })
    const bubble = bob.page.locator("[data-testid=message]", { has: bob.page.locator("[data-media=file]") })
    await expect(bubble).toBeVisible({ timeout: 60_000 })
    const downloading = bob.page.waitForEvent("download")
    await bubble.getByTestId("save-attachment").click()
    const download = await downloading
    expect((await readFile((await download.path())!)).equals(bytes)).toBe(true)
  })
})
