import { defineConfig } from "@playwright/test"

/**
 * The web app's browser tests: Debian's Chromium (scripts/ensure-chromium.sh
 * installs it when missing), headless, against a real Kith server started in
 * global setup. One worker: the tests are few and long, the machine small,
 * and one browser with several contexts plays several people.
 */
export const chromiumPath = process.env.KITH_CHROMIUM ?? "/usr/bin/chromium"
/** Every spec's Chromium flags (the voice spec adds fake audio capture to these). */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

export default defineConfig({
  testDir: "e2e/web",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results/web",
  globalSetup: "./e2e/web/support/globalSetup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI
    ? [["list"]]
    : [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
  },
})
