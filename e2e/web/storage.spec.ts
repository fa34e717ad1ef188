import { expect, test, type Page } from "@playwright/test"
import { befriend, messages, openChat, register, send } from "./support/people"

/** Every stored value, raw, as IndexedDB holds it. */
async function rawIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("kith")
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    const dump: string[] = []
    for (const name of Array.from(db.objectStoreNames)) {
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const req = db.transaction(name).objectStore(name).getAll()
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      for (const row of rows) {
        for (const value of Object.values(row as Record<string, unknown>)) {
          if (value instanceof Uint8Array || value instanceof ArrayBuffer)
            dump.push(new TextDecoder("utf-8", { fatal: false }).decode(value))
          else if (typeof value === "string") dump.push(value)
        }
      }
    }
    db.close()
    return dump.join("\n")
  })
}

test("local data is encrypted at rest, and app lock keeps it closed without the passcode", async ({
  browser,
}) => {
  const kim = await register(browser, "Kimberly")
  const lee = await register(browser, "Leopold")
  await befriend(kim, lee)
  await openChat(lee, "Kimberly")
  const secret = "the spare key is under the blue flowerpot"
  await send(lee, secret)
  await openChat(kim, "Leopold")
  await expect(messages(kim, secret)).toHaveCount(1)

  // IndexedDB holds ciphertext only: neither the message nor the names appear in it.
  const raw = await rawIndexedDb(kim.page)
  expect(raw.length).toBeGreaterThan(1000)
  expect(raw).not.toContain("flowerpot")
  expect(raw).not.toContain("Leopold")

  // Turn on app lock.
  await kim.page.goto("/#/me/app-lock")
  await kim.page.getByLabel("New passcode", { exact: true }).fill("correct horse")
  await kim.page.getByLabel("Repeat the new passcode").fill("correct horse")
  await kim.page.getByRole("button", { name: "Turn on app lock" }).click()
  await expect(kim.page.getByText("App lock is on")).toBeVisible()

  // A reload finds the data locked; a wrong passcode opens nothing, the right one everything.
  await kim.page.reload()
  await expect(kim.page.getByRole("heading", { name: "Kith is locked" })).toBeVisible()
  await kim.page.getByLabel("Passcode").fill("wrong horse")
  await kim.page.getByRole("button", { name: "Unlock" }).click()
  await expect(kim.page.getByText("Wrong passcode.")).toBeVisible()
  await kim.page.getByLabel("Passcode").fill("correct horse")
  await kim.page.getByRole("button", { name: "Unlock" }).click()
  await openChat(kim, "Leopold")
  await expect(messages(kim, secret)).toHaveCount(1)

  // Drafts are kept per chat across reloads, sealed like everything else.
  await kim.page.getByTestId("composer").fill("half-written thought")
  await kim.page.goto("/#/chats")
  await openChat(kim, "Leopold")
  await expect(kim.page.getByTestId("composer")).toHaveValue("half-written thought")

  // Deleting the account wipes this browser too: back to the first-run screen, nothing left to read.
  await kim.page.goto("/#/me/delete-account")
  await kim.page.getByLabel("Type DELETE to confirm").fill("DELETE")
  await kim.page.getByRole("button", { name: "Delete account" }).click()
  await expect(kim.page.getByRole("button", { name: "Create an account" })).toBeVisible({ timeout: 60_000 })
  expect(await rawIndexedDb(kim.page)).toBe("")

  await kim.context.close()
  await lee.context.close()
})
