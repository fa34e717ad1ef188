import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

/**
 * Vitest global setup: the storage suites run against PostgreSQL and the
 * cluster suites against PostgreSQL and Redis, so make sure both answer on
 * loopback first (starting them, or installing them from Debian's packages,
 * on a fresh machine). Quick when they are already up.
 */
export default function ensureServices(): void {
  const script = fileURLToPath(new URL("../../../scripts/ensure-services.sh", import.meta.url))
  const result = spawnSync("bash", [script], { stdio: "inherit" })
  if (result.status !== 0) throw new Error("PostgreSQL and Redis are needed by the storage and cluster tests")
}
