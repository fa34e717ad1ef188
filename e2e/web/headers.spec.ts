import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { expect, test } from "@playwright/test"
import { appUrl, messages, openApp, send, twoFriends, type Person } from "./support/people"

/**
 * What the browser is told and what it does, read off a whole session:
 * every response carries the strict CSP and forbids framing, no cookie is
 * ever set, every request stays on the app's own origin, and a page on
 * another origin that frames the app gets nothing.
 */
test.describe.serial("the web app's security headers and origins", () => {
  let alice: Person
  let bob: Person
  const problems: string[] = []
  const requested: string[] = []
  const responses: { url: string; headers: Record<string, string> }[] = []

  test.beforeAll(async ({ browser }) => {
    // Record from the very first request: the pages are created inside twoFriends, so listen on the browser's contexts.
    const record = (context: import("@playwright/test").BrowserContext) => {
      context.on("request", (request) => requested.push(request.url()))
      context.on("response", async (response) =>
        responses.push({ url: response.url(), headers: await response.allHeaders() }),
      )
    }
    const original = browser.newContext.bind(browser)
    browser.newContext = async (...args) => {
      const context = await original(...args)
      record(context)
      return context
    }
    try {
      ;[alice, bob] = await twoFriends(browser, problems, { chatOpen: true })
    } finally {
      browser.newContext = original
    }
    await send(alice, "A message across the wire")
    await expect(messages(bob, "A message across the wire")).toHaveCount(1)
  })

  test.afterAll(async () => {
    await alice?.context.close()
    await bob?.context.close()
  })

  test.afterEach(() => {
    expect(problems).toEqual([])
  })

  test("every request of a whole session stays on the app's origin", () => {
    const origin = new URL(appUrl()).origin
    const wsOrigin = origin.replace(/^http/, "ws")
    expect(requested.length).toBeGreaterThan(10)
    const foreign = requested.filter(
      (url) => !url.startsWith(origin + "/") && !url.startsWith(wsOrigin + "/") && !url.startsWith("blob:"),
    )
    expect(foreign).toEqual([])
  })

  test("every response carries the strict CSP and forbids framing, and none sets a cookie", () => {
    const fromServer = responses.filter((r) => r.url.startsWith(new URL(appUrl()).origin))
    expect(fromServer.length).toBeGreaterThan(10)
    for (const { url, headers } of fromServer) {
      const csp = headers["content-security-policy"] ?? ""
      expect(csp, url).toContain("default-src 'none'")
      expect(csp, url).toContain("frame-ancestors 'none'")
      expect(csp, url).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/|\*/)
      expect(headers["x-frame-options"], url).toBe("DENY")
      expect(headers["set-cookie"], url).toBeUndefined()
    }
  })

  test("the browser holds no cookie for the app (nothing to forge a request with)", async () => {
    expect(await alice.context.cookies()).toEqual([])
    expect(await bob.context.cookies()).toEqual([])
  })

  test("a page on another origin cannot frame the app (clickjacking)", async ({ browser }) => {
    const attacker: Server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" })
      response.end(`<!doctype html><title>prize</title><iframe id="victim" src="${appUrl()}/"></iframe>`)
    })
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve))
    try {
      const { context, page } = await openApp(browser)
      const blocked: string[] = []
      page.on("console", (m) => {
        if (/frame-ancestors|Refused to display/i.test(m.text())) blocked.push(m.text())
      })
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`)
      await expect(page.locator("#victim")).toBeAttached()
      await expect.poll(() => blocked.length, { timeout: 20_000 }).toBeGreaterThan(0)
      const frame = page.frames().find((f) => f !== page.mainFrame())!
      // The frame holds Chromium's error page, not the app: no app element, no app script ran.
      expect(await frame.locator("[data-testid=tab-chats], button").count()).toBe(0)
      await context.close()
    } finally {
      attacker.close()
    }
  })
})
