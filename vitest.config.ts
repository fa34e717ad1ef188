import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "e2e/**/*.test.ts"],
    // These restart PostgreSQL and Redis: `npm run test:cluster` runs them alone, one file at a time.
    exclude: ["**/node_modules/**", "e2e/cluster/faults/**"],
    // The storage and cluster suites need PostgreSQL and Redis on loopback.
    globalSetup: ["e2e/cluster/support/ensureServices.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration suites start real servers, so keep workers few.
    maxWorkers: 2,
    minWorkers: 1,
  },
})
