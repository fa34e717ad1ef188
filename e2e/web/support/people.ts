import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test"

/**
 * One person using Kith in their own browser context (own IndexedDB, own
 * keys), driven only through what the page shows, as a person would.
 */
export interface Person {
  name: string
  username: string
  /** The 24 words shown at registration. */
  recoveryPhrase: string[]
  context: BrowserContext
  page: Page
}

export const phone = { width: 390, height: 844 }
export const desktop = { width: 1280, height: 800 }

export function appUrl(): string {
  const url = process.env.KITH_WEB_URL
  if (!url) throw new Error("KITH_WEB_URL is not set: run the tests through playwright.config.ts")
  return url
}

let counter = 0
/** A username unique to this run, so one server can host every test file. */
export function uniqueUsername(name: string): string {
  counter++
  return `${name.toLowerCase()}_${Date.now().toString(36)}${counter}`.slice(0, 32)
}

/** Fails the test on anything the page reports as broken: uncaught errors, CSP violations, dialogs. */
export function watchPage(page: Page, problems: string[]): void {
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`))
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`)
    void d.dismiss()
  })
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Trusted Type/i.test(m.text()))
      problems.push(`csp: ${m.text()}`)
  })
}

export async function openApp(
  browser: Browser,
  viewport = phone,
  locale = "en-US",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale, baseURL: appUrl() })
  const page = await context.newPage()
  await page.goto("/")
  return { context, page }
}

/** Creates an account through the first-run screens, confirms the recovery phrase, claims a username. */
export async function register(
  browser: Browser,
  name: string,
  options: { viewport?: typeof phone } = {},
): Promise<Person> {
  const { context, page } = await openApp(browser, options.viewport)
  await page.getByRole("button", { name: "Create an account" }).click()
  await page.getByLabel("Your name").fill(name)
  await page.getByRole("button", { name: "Continue" }).click()
  const phrase = page.getByTestId("recovery-phrase")
  await expect(phrase).toBeVisible({ timeout: 60_000 })
  const words = await phrase.locator("li").allTextContents()
  expect(words).toHaveLength(24)
  await page.getByRole("button", { name: "I have written them down" }).click()
  for (const input of await page.locator("input[id^=word-]").all()) {
    const index = Number((await input.getAttribute("id"))!.slice("word-".length))
    await input.fill(words[index]!)
  }
  await page.getByRole("button", { name: "Continue" }).click()
  await expect(page.getByTestId("tab-chats")).toBeVisible()
  const username = uniqueUsername(name)
  await page.goto("/#/me/profile")
  await page.getByLabel("Username").fill(username)
  await page.getByRole("button", { name: "Claim username" }).click()
  await expect(page.getByTestId("profile-saved")).toBeVisible()
  await page.goto("/#/chats")
  return { name, username, recoveryPhrase: words, context, page }
}

/** `from` sends a friend request by username; `to` accepts it from the requests screen. */
export async function befriend(from: Person, to: Person): Promise<void> {
  await from.page.goto("/#/contacts/add")
  await from.page.getByLabel("Username").fill(to.username)
  await from.page.getByRole("button", { name: "Send friend request" }).click()
  await expect(from.page.getByTestId("request-sent")).toBeVisible({ timeout: 60_000 })
  await to.page.goto("/#/contacts/requests")
  const request = to.page
    .getByTestId("incoming-request")
    .filter({ has: to.page.locator(".name").getByText(from.name, { exact: true }) })
  await expect(request).toBeVisible({ timeout: 60_000 })
  await request.getByRole("button", { name: "Accept" }).click()
  await expect(to.page.getByTestId("incoming-request")).toHaveCount(0, { timeout: 60_000 })
  for (const [me, other] of [
    [from, to],
    [to, from],
  ] as const) {
    await me.page.goto("/#/contacts")
    await expect(me.page.getByTestId("friend-list").getByText(other.name, { exact: true })).toBeVisible({
      timeout: 60_000,
    })
  }
}

/**
 * Alice and Bob, each in their own context, friends, with their pages watched
 * for problems; with `chatOpen`, each has the other's chat open.
 */
export async function twoFriends(
  browser: Browser,
  problems: string[],
  { chatOpen = false } = {},
): Promise<[Person, Person]> {
  const alice = await register(browser, "Alice")
  const bob = await register(browser, "Bob")
  watchPage(alice.page, problems)
  watchPage(bob.page, problems)
  await befriend(alice, bob)
  if (chatOpen) {
    await openChat(alice, "Bob")
    await openChat(bob, "Alice")
  }
  return [alice, bob]
}

/**
 * The usual frame of a serial describe block: Alice and Bob become friends
 * before its first test (handed to `take`), each test fails if a page reported
 * a problem, and their contexts close after the last test. Returns the list of
 * problems, for anyone else the block's own setup brings in.
 */
export function twoFriendsForSuite(
  take: (friends: [Person, Person]) => void,
  options: { chatOpen?: boolean } = {},
): string[] {
  const problems: string[] = []
  let friends: [Person, Person] | undefined
  test.beforeAll(async ({ browser }) => {
    friends = await twoFriends(browser, problems, options)
    take(friends)
  })
  test.afterAll(async () => {
    for (const person of friends ?? []) await person.context.close()
  })
  test.afterEach(() => {
    expect(problems).toEqual([])
  })
  return problems
}

/** Opens the chat titled `title` from the chat list. */
export async function openChat(person: Person, title: string): Promise<void> {
  await person.page.goto("/#/chats")
  await chatRow(person, title).click()
  await expect(person.page.getByTestId("chat-title")).toHaveText(title)
}

/** The chat-list row whose title is exactly `title`. */
export function chatRow(person: Person, title: string) {
  return person.page
    .getByTestId("chat-row")
    .filter({ has: person.page.locator(".name").getByText(title, { exact: true }) })
    .first()
}

export async function send(person: Person, text: string): Promise<void> {
  await person.page.getByTestId("composer").fill(text)
  await person.page.getByTestId("send").click()
}

/** The message bubbles in the open chat whose text is exactly `text`. */
export function messages(person: Person, text: string) {
  return person.page
    .getByTestId("message")
    .filter({ has: person.page.getByTestId("message-text").getByText(text, { exact: true }) })
}
