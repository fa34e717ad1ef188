import { defineConfig } from "vitest/config"

/**
 * The fault suites stop and restart the machine's PostgreSQL and Redis, so
 * they run on their own (`npm run test:cluster`, after the other suites) and
 * one file at a time: no two of them ever restart a service at once.
 */
export default defineConfig({
  test: {
    include: ["e2e/cluster/faults/**/*.test.ts"],
    globalSetup: ["e2e/cluster/support/ensureServices.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
})
