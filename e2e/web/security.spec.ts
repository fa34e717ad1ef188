import { expect, test, type Browser, type Page } from "@playwright/test"
import {
  startMaliciousServer,
  type MaliciousServer,
} from "../../packages/core/src/testing/maliciousServer.node"
import { uncertifiedKeyPackage } from "../../packages/core/src/testing/forgedKeyPackage"
import {
  befriend,
  messages,
  openChat,
  register,
  send,
  twoFriends,
  watchPage,
  type Person,
} from "./support/people"

/**
 * The client side of the security suite in a real browser against a real
 * server: warnings for what a malicious server tries, disappearing messages
 * and "Delete for me" read back from IndexedDB, and blocking.
 */

/** Runs `register` with the app loaded from another origin (the malicious proxy) than the real server's. */
async function registerAt(browser: Browser, name: string, origin: string): Promise<Person> {
  const real = process.env.KITH_WEB_URL
  process.env.KITH_WEB_URL = origin
  try {
    return await register(browser, name)
  } finally {
    process.env.KITH_WEB_URL = real
  }
}

/** The keys of the engine's sealed IndexedDB records (keys are in the clear; values are sealed). */
async function engineKeys(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("kith")
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    const keys = await new Promise<IDBValidKey[]>((resolve, reject) => {
      const req = db.transaction("engine").objectStore("engine").getAllKeys()
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => reject(req.error)
    })
    db.close()
    return keys.map(String)
  })
}

async function accountIdOf(page: Page, name: string): Promise<string> {
  await page.goto("/#/contacts")
  const href = await page
    .getByTestId("friend-list")
    .getByRole("link")
    .filter({ hasText: name })
    .getAttribute("href")
  return decodeURIComponent(href!.split("/").pop()!)
}

/** Ends a test: no page reported a problem, and everyone's context is closed. */
async function endCleanly(problems: string[], ...people: Person[]): Promise<void> {
  expect(problems).toEqual([])
  for (const person of people) await person.context.close()
}

let evil: MaliciousServer | undefined
test.afterEach(async () => {
  await evil?.close()
  evil = undefined
})

test("a device Bob did not approve, offered by the server, is refused with a warning", async ({
  browser,
}) => {
  const problems: string[] = []
  evil = await startMaliciousServer(process.env.KITH_WEB_URL!)
  const accountKeys = new Map<string, string>()
  // Filled in once Bob's ids are known; until then the server behaves.
  const injection: { device?: { accountId: string; deviceId: string; keyPackage: string } } = {}
  evil.tampering = {
    httpJson: (exchange, body) => {
      const account = /^\/v1\/accounts\/([\w-]+)$/.exec(exchange.path)
      if (account && exchange.method === "GET") {
        accountKeys.set(account[1]!, (body as { accountPublicKey: string }).accountPublicKey)
      }
      const inject = injection.device
      if (inject && exchange.path === `/v1/accounts/${inject.accountId}/key-packages/claim`) {
        const real = body as { keyPackages: { deviceId: string; keyPackage: string }[] }
        return {
          keyPackages: [...real.keyPackages, { deviceId: inject.deviceId, keyPackage: inject.keyPackage }],
        }
      }
      return undefined
    },
  }
  const alice = await registerAt(browser, "Alice", evil.url)
  const bob = await register(browser, "Bob")
  watchPage(alice.page, problems)
  watchPage(bob.page, problems)
  await befriend(alice, bob)
  const bobId = await accountIdOf(alice.page, "Bob")
  const bobKey = Uint8Array.from(Buffer.from(accountKeys.get(bobId)!, "base64url"))
  const ghostDevice = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64url")
  injection.device = {
    accountId: bobId,
    deviceId: ghostDevice,
    keyPackage: await uncertifiedKeyPackage(bobId, ghostDevice, bobKey),
  }

  await alice.page.goto("/#/chats/new-group")
  await alice.page.getByLabel("Group name").fill("Trusted circle")
  await alice.page.getByLabel("Bob").check()
  await alice.page.getByRole("button", { name: "Create group" }).click()
  await expect(alice.page.getByTestId("chat-title")).toHaveText("Trusted circle", { timeout: 60_000 })
  const refused = alice.page.locator('[data-testid="device-warning"][data-kind="device-refused"]')
  await expect(refused).toBeVisible({ timeout: 60_000 })
  await expect(refused).toContainText(/A device that .?Bob.? did not approve was refused/)
  // The group holds Bob's real device only: it works for him, and the ghost was never added.
  await openChat(bob, "Trusted circle")
  await send(bob, "only my phone is here")
  await expect(messages(alice, "only my phone is here")).toHaveCount(1, { timeout: 60_000 })
  await endCleanly(problems, alice, bob)
})

test("a friend's account key changed by the server is refused: 'Bob's safety number changed'", async ({
  browser,
}) => {
  const problems: string[] = []
  evil = await startMaliciousServer(process.env.KITH_WEB_URL!)
  const swap: { accountId?: string } = {}
  evil.tampering = {
    httpJson: (exchange, body) =>
      swap.accountId && exchange.method === "GET" && exchange.path === `/v1/accounts/${swap.accountId}`
        ? { ...(body as object), accountPublicKey: Buffer.alloc(32, 7).toString("base64url") }
        : undefined,
  }
  const alice = await registerAt(browser, "Alice", evil.url)
  const bob = await register(browser, "Bob")
  watchPage(alice.page, problems)
  await befriend(alice, bob)
  swap.accountId = await accountIdOf(alice.page, "Bob")
  // Anything that asks the server for Bob's key again meets the forged one: here, a new request to him.
  await alice.page.goto("/#/contacts/add")
  await alice.page.getByLabel("Username").fill(bob.username)
  await alice.page.getByRole("button", { name: "Send friend request" }).click()
  await expect(alice.page.getByRole("alert").first()).toBeVisible({ timeout: 60_000 })
  await openChat(alice, "Bob")
  const changed = alice.page.locator('[data-testid="device-warning"][data-kind="key-changed"]')
  await expect(changed).toBeVisible()
  await expect(changed).toContainText(/.?Bob.?'s safety number changed/)
  await endCleanly(problems, alice, bob)
})

test("disappearing messages vanish from the view and IndexedDB; Delete for me removes the record", async ({
  browser,
}) => {
  const problems: string[] = []
  const [alice, bob] = await twoFriends(browser, problems)
  await openChat(bob, "Alice")

  // Delete for me: Bob's copy (its sealed record and id index) goes; Alice keeps hers.
  await openChat(alice, "Bob")
  await send(alice, "delete this one")
  const doomed = messages(bob, "delete this one")
  await expect(doomed).toHaveCount(1, { timeout: 60_000 })
  const doomedId = (await doomed.getAttribute("data-message-id"))!
  const before = await engineKeys(bob.page)
  expect(before.some((k) => k.startsWith("mid/") && k.endsWith(`/${doomedId}`))).toBe(true)
  await doomed.getByTestId("message-text").click()
  await doomed.getByTestId("delete-for-me").click()
  await expect(doomed).toHaveCount(0)
  const after = await engineKeys(bob.page)
  expect(after.some((k) => k.endsWith(`/${doomedId}`))).toBe(false)
  expect(after.filter((k) => k.startsWith("msg/")).length).toBe(
    before.filter((k) => k.startsWith("msg/")).length - 1,
  )
  await expect(messages(alice, "delete this one")).toHaveCount(1)

  // Alice sets a 30-second timer; Bob's app applies it and says so.
  await alice.page.getByTestId("chat-info").click()
  await alice.page.getByTestId("disappearing-timer").selectOption({ label: "30 seconds" })
  await alice.page.goBack()
  await expect(
    bob.page
      .getByTestId("system-line")
      .filter({ hasText: /.?Alice.? set disappearing messages to 30 seconds/ }),
  ).toBeVisible({ timeout: 60_000 })
  await send(alice, "this will vanish")
  const vanishing = messages(bob, "this will vanish")
  await expect(vanishing).toHaveCount(1, { timeout: 60_000 })
  await expect(vanishing.getByTestId("disappears")).toBeVisible()
  const vanishingId = (await vanishing.getAttribute("data-message-id"))!
  expect((await engineKeys(bob.page)).some((k) => k.endsWith(`/${vanishingId}`))).toBe(true)
  // Thirty seconds later it is gone on both sides, record and all.
  await expect(vanishing).toHaveCount(0, { timeout: 90_000 })
  await expect(messages(alice, "this will vanish")).toHaveCount(0, { timeout: 30_000 })
  expect((await engineKeys(bob.page)).some((k) => k.endsWith(`/${vanishingId}`))).toBe(false)
  await endCleanly(problems, alice, bob)
})

test("a blocked friend's messages are dropped on arrival, not just hidden", async ({ browser }) => {
  const problems: string[] = []
  const [alice, bob] = await twoFriends(browser, problems)
  await openChat(alice, "Bob")
  await send(alice, "before the block")
  await openChat(bob, "Alice")
  await expect(messages(bob, "before the block")).toHaveCount(1, { timeout: 60_000 })

  await bob.page.goto("/#/contacts")
  await bob.page.getByTestId("friend-list").getByText("Alice", { exact: true }).click()
  await bob.page.getByRole("button", { name: "Block" }).click()
  await expect(bob.page.getByRole("button", { name: "Unblock" })).toBeVisible()
  // Each payload Bob's engine processes leaves its digest: one more means the text arrived (and was dropped).
  const processed = async () => (await engineKeys(bob.page)).filter((k) => k.startsWith("seen/")).length
  const seenBefore = await processed()
  await send(alice, "while blocked")
  await expect.poll(processed, { timeout: 60_000 }).toBeGreaterThan(seenBefore)
  await bob.page.getByRole("button", { name: "Unblock" }).click()
  await send(alice, "after the block")
  await openChat(bob, "Alice")
  await expect(messages(bob, "after the block")).toHaveCount(1, { timeout: 60_000 })
  await expect(messages(bob, "while blocked")).toHaveCount(0)
  await expect(messages(bob, "before the block")).toHaveCount(1)
  await endCleanly(problems, alice, bob)
})

test("a locked app shows no content, and nothing stored opens without the passcode", async ({ browser }) => {
  const problems: string[] = []
  const [alice, bob] = [await register(browser, "Alice"), await register(browser, "Bob")]
  watchPage(alice.page, problems)
  await befriend(alice, bob)
  await openChat(bob, "Alice")
  await send(bob, "the meeting moved to the old library")
  await openChat(alice, "Bob")
  await expect(messages(alice, "the meeting moved to the old library")).toHaveCount(1, { timeout: 60_000 })

  await alice.page.goto("/#/me/app-lock")
  await alice.page.getByLabel("New passcode", { exact: true }).fill("river stone")
  await alice.page.getByLabel("Repeat the new passcode").fill("river stone")
  await alice.page.getByRole("button", { name: "Turn on app lock" }).click()
  await expect(alice.page.getByText("App lock is on")).toBeVisible()

  for (const hash of ["", "#/chats", "#/contacts"]) {
    await alice.page.goto(`/${hash}`)
    await alice.page.reload()
    await expect(alice.page.getByRole("heading", { name: "Kith is locked" })).toBeVisible()
    const shown = await alice.page.locator("body").innerText()
    expect(shown).not.toContain("old library")
    expect(shown).not.toContain("Bob")
    await expect(alice.page.getByTestId("message")).toHaveCount(0)
    await expect(alice.page.getByTestId("chat-row")).toHaveCount(0)
  }
  // At rest the data key is kept only wrapped by the passcode: no stored key opens it.
  const vault = await alice.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("kith")
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    const rows = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const req = db.transaction("vault").objectStore("vault").getAll()
      req.onsuccess = () => resolve(req.result as Record<string, unknown>[])
      req.onerror = () => reject(req.error)
    })
    db.close()
    return rows.map((r) => ({ mode: r.mode, keys: Object.keys(r).sort() }))
  })
  expect(vault).toEqual([{ mode: "passcode", keys: ["iterations", "mode", "name", "salt", "wrapped"] }])
  await endCleanly(problems, alice, bob)
})
