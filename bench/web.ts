/**
 * The web app's figures, measured in Debian's Chromium against a real server:
 * - the gzipped JavaScript a first visit loads before the app can be used;
 * - warm start: navigation to the chat list showing, with 200 conversations
 *   and 10,000 messages in the browser's sealed IndexedDB;
 * - frame times while scrolling a 10,000-message chat.
 * The data is made for real: Node clients on the same core register, become
 * friends and send the messages, then "me"'s engine store is copied into the
 * browser through the app's own storage code (packages/web/bench/seed.ts).
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { chromium, type Page } from "playwright-core"
import { KithClient, MemoryStore } from "@kith/core"
import { nodeWebSocket } from "@kith/core/node"
import { toBase64Url } from "@kith/protocol"
import { startWebStack } from "../e2e/web/support/webStack"
import { median } from "./lib/stats"

export interface WebBenchOptions {
  conversations: number
  messages: number
  repeats: number
}

export interface WebReport {
  scenario: WebBenchOptions
  startJsGzipKiB: number
  startJsFiles: number
  warmStartMs: number[]
  coldStartMs: number
  scrollFrames: { frames: number; p50Ms: number; p95Ms: number; maxMs: number; over50Ms: number }
  seedSeconds: number
}

const CHROMIUM = process.env.KITH_CHROMIUM ?? "/usr/bin/chromium"
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export async function webBenchmark(options: WebBenchOptions): Promise<WebReport> {
  const outDir = mkdtempSync(join(tmpdir(), "kith-web-bench-"))
  const build = spawnSync(
    "npx",
    ["vite", "build", "--config", "bench/vite.bench.config.ts", "--logLevel", "warn"],
    {
      cwd: new URL("../packages/web/", import.meta.url),
      env: { ...process.env, KITH_WEB_BENCH_OUT: outDir },
      stdio: "inherit",
    },
  )
  if (build.status !== 0) throw new Error("web bench build failed")
  const stack = await startWebStack({ distDir: outDir })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  try {
    const seedStarted = performance.now()
    const seeded = await seedAccount(stack.url, options)
    writeFileSync(join(outDir, "bench-seed.json"), JSON.stringify(seeded.records))
    const seedSeconds = (performance.now() - seedStarted) / 1000
    console.log(`web: seeded ${seeded.records.length} records in ${seedSeconds.toFixed(0)} s`)

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.addInitScript(watchForChatList)

    // The start bundle: every script a first visit fetches before the welcome screen shows.
    const scripts: Buffer[] = []
    page.on("response", (r) => {
      if (r.request().resourceType() === "script") void r.body().then((b) => scripts.push(b))
    })
    await page.goto(stack.url + "/")
    await page.getByRole("button", { name: "Create an account" }).waitFor()
    await page.waitForLoadState("networkidle")
    const startJsGzipKiB = scripts.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0) / 1024
    const startJsFiles = scripts.length
    page.removeAllListeners("response")

    await page.goto(stack.url + "/bench/seed.html")
    await page.waitForFunction(() => document.title !== "Kith bench: seeding", undefined, {
      timeout: 300_000,
    })
    if ((await page.title()) !== "seeded") throw new Error(await page.locator("#status").innerText())

    const coldStartMs = await timeToChatList(page, stack.url, options.conversations)
    // The first start tops up key packages and catches up with the mailbox; let that finish
    // so the figures below are the steady state a person sees every day.
    await settle(page)
    const warmStartMs: number[] = []
    for (let i = 0; i < options.repeats; i++)
      warmStartMs.push(await timeToChatList(page, stack.url, options.conversations))

    await page.goto(`${stack.url}/#/chats/${encodeURIComponent(seeded.bigChatId)}`)
    await page.getByTestId("message").first().waitFor({ timeout: 120_000 })
    await settle(page)
    const scrollFrames = await measureScroll(page)
    await context.close()
    return {
      scenario: options,
      startJsGzipKiB,
      startJsFiles,
      warmStartMs,
      coldStartMs,
      scrollFrames,
      seedSeconds,
    }
  } finally {
    await browser.close()
    await stack.close()
    rmSync(outDir, { recursive: true, force: true })
  }
}

/** Connected, no HTTP in flight, and a quiet moment for background work to end. */
async function settle(page: Page): Promise<void> {
  await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 120_000 })
  await page.waitForLoadState("networkidle")
  await page.waitForTimeout(3000)
}

/** Runs in the page before the app: notes when the chat list first shows a row. */
function watchForChatList(): void {
  const observer = new MutationObserver(() => {
    if (document.querySelector("[data-testid=chat-row]")) {
      ;(window as unknown as { chatListAt: number }).chatListAt = performance.now()
      observer.disconnect()
    }
  })
  observer.observe(document, { childList: true, subtree: true })
}

/** Navigation start to the first chat-list row, in the page's own clock. */
let visit = 0
async function timeToChatList(page: Page, url: string, conversations: number): Promise<number> {
  // A new query string makes it a real navigation (a hash change alone would not reload the app).
  await page.goto(`${url}/?visit=${++visit}#/chats`)
  await page.waitForFunction(
    () => (window as unknown as { chatListAt?: number }).chatListAt !== undefined,
    undefined,
    {
      timeout: 120_000,
    },
  )
  const rows = await page.getByTestId("chat-row").count()
  if (rows < conversations) throw new Error(`chat list shows ${rows} of ${conversations} conversations`)
  return page.evaluate(() => (window as unknown as { chatListAt: number }).chatListAt)
}

/** Scrolls the message list from bottom to top in steps, one per frame, recording every frame's duration. */
async function measureScroll(page: Page): Promise<WebReport["scrollFrames"]> {
  const frames = await page.evaluate(async () => {
    const list = document.querySelector<HTMLElement>("[data-testid=message-list]")!
    const durations: number[] = []
    let last = performance.now()
    const steps = 600
    for (let i = 0; i < steps; i++) {
      list.scrollTop -= 120
      await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
      const now = performance.now()
      durations.push(now - last)
      last = now
    }
    return durations
  })
  const sorted = [...frames].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return {
    frames: frames.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: sorted[sorted.length - 1]!,
    over50Ms: frames.filter((f) => f > 50).length,
  }
}

/**
 * "me" and `conversations` friends, each a real client on the same core:
 * friend requests, acceptance, one message in every chat, and the rest of
 * `messages` in one long chat. Returns me's engine store, record by record.
 */
async function seedAccount(
  serverUrl: string,
  options: WebBenchOptions,
): Promise<{ records: { key: string; value: string }[]; bigChatId: string }> {
  const open = (store: MemoryStore) => KithClient.open({ serverUrl, store, webSocket: nodeWebSocket })
  const meStore = new MemoryStore()
  const me = await open(meStore)
  await me.register({ displayName: "Me" })
  const myName = `bench_${Date.now().toString(36)}`
  await me.claimUsername(myName)
  await me.connect()
  const friends: KithClient[] = []
  const batch = 8
  for (let i = 0; i < options.conversations; i += batch) {
    const group = await Promise.all(
      Array.from({ length: Math.min(batch, options.conversations - i) }, async (_, j) => {
        const friend = await open(new MemoryStore())
        await friend.register({ displayName: `Friend ${i + j + 1}` })
        await friend.connect()
        await friend.sendFriendRequest(myName, "hello")
        return friend
      }),
    )
    friends.push(...group)
    await me.sync()
    for (const request of await me.friendRequests()) await me.acceptFriendRequest(request.id)
  }
  await me.sync()
  const chats = await me.conversations()
  const direct = chats.filter((c) => c.kind === "direct")
  if (direct.length < options.conversations) throw new Error(`only ${direct.length} chats were made`)
  for (const [i, chat] of direct.entries())
    await me.sendText(chat.id, `Hello friend ${i + 1}, how have you been?`)
  const big = direct[0]!
  const rest = options.messages - direct.length
  for (let i = 0; i < rest; i++) {
    await me.sendText(big.id, `Message ${i + 1}: ${"a long day, ".repeat(1 + (i % 7))}see you soon`)
    if (i % 1000 === 999) console.log(`web: ${i + 1} of ${rest} messages`)
  }
  await me.close()
  await Promise.all(friends.map((f) => f.close()))
  const records = (await meStore.list("")).map((e) => ({ key: e.key, value: toBase64Url(e.value) }))
  return { records, bigChatId: big.id }
}

export function renderWebMarkdown(web: WebReport): string {
  const s = web.scenario
  const f = (n: number) => n.toFixed(1)
  return [
    `## Web app (Chromium, headless, ${s.conversations} conversations, ${s.messages} messages in IndexedDB)`,
    "",
    "| figure | value |",
    "|---|---|",
    `| JavaScript loaded at start, gzipped | ${f(web.startJsGzipKiB)} KiB in ${web.startJsFiles} files (budget 400 KiB) |`,
    `| navigation → chat list, first start on the seeded store | ${f(web.coldStartMs)} ms |`,
    `| navigation → chat list, warm start (min / median / max of ${web.warmStartMs.length}) | ${f(Math.min(...web.warmStartMs))} / ${f(median(web.warmStartMs))} / ${f(Math.max(...web.warmStartMs))} ms |`,
    `| frame time scrolling the ${s.messages - s.conversations + 1}-message chat (p50 / p95 / max) | ${f(web.scrollFrames.p50Ms)} / ${f(web.scrollFrames.p95Ms)} / ${f(web.scrollFrames.maxMs)} ms over ${web.scrollFrames.frames} frames, ${web.scrollFrames.over50Ms} over 50 ms |`,
    `| making the data with real clients (not a budget) | ${web.seedSeconds.toFixed(0)} s |`,
    "",
  ].join("\n")
}
