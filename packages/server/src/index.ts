import type { AddressInfo } from "node:net"
import { resolveConfig, type ServerConfig } from "./config"
import type { ServerContext } from "./context"
import type { SweepResult } from "./storage/store"
import { openSqliteStore } from "./storage/sqlite"
import { loadServerSecrets } from "./serverSecrets"
import { createLogger } from "./observability/logger"
import { createMetrics } from "./observability/metrics"
import { InProcessBus } from "./bus/inProcessBus"
import { MemorySessionStore } from "./ephemeral/sessionStore"
import { MemoryExpiringSet } from "./ephemeral/expiringSet"
import { MemoryRateLimiter } from "./ephemeral/rateLimiter"
import { MemoryProvisioningSlots } from "./ephemeral/provisioningSlots"
import { DailyIpKeys } from "./ephemeral/dailyIpKeys"
import { RegistrationChallenges } from "./registration/registrationChallenges"
import { ConnectionRegistry } from "./ws/connectionRegistry"
import { buildApp } from "./http/app"
import { startSweeper, sweepOnce } from "./maintenance"

export type { ServerConfig } from "./config"
export type { SweepResult } from "./storage/store"

export interface RunningServer {
  /** http://host:port */
  url: string
  port: number
  /** Runs the expiry sweep now (with the configured clock), as the minute timer does. */
  sweep(): Promise<SweepResult>
  close(): Promise<void>
}

/** Starts a Kith delivery server: SQLite in `dataDir`, in-process bus, memory for everything ephemeral. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const resolved = resolveConfig(config)
  const clock = resolved.now
  const logger = createLogger(resolved.logLevel, resolved.logStream)
  const store = await openSqliteStore(resolved.dataDir)
  try {
    const secrets = await loadServerSecrets(store.secrets)
    const ctx: ServerContext = {
      config: resolved,
      clock,
      store,
      bus: new InProcessBus(),
      sessions: new MemorySessionStore(clock),
      sessionChallenges: new MemoryExpiringSet(clock),
      registrationChallenges: new RegistrationChallenges(
        secrets.registrationChallengeKey,
        clock,
        new MemoryExpiringSet(clock),
      ),
      rateLimiter: new MemoryRateLimiter(clock),
      provisioning: new MemoryProvisioningSlots(clock),
      ipKeys: new DailyIpKeys(clock),
      secrets,
      metrics: createMetrics(),
      logger,
      connections: new ConnectionRegistry(),
    }
    const app = await buildApp(ctx)
    await app.listen({
      port: resolved.port,
      host: resolved.host,
      // Fastify would log one line per interface address; one line with the port is enough.
      listenTextResolver: (address) => `listening on port ${new URL(address).port}`,
    })
    const port = (app.server.address() as AddressInfo).port
    const stopSweeper = startSweeper(ctx, resolved.sweepIntervalMs)
    const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host
    let closing: Promise<void> | undefined
    return {
      url: `http://${host}:${port}`,
      port,
      sweep: () => sweepOnce(ctx),
      close: () => {
        closing ??= (async () => {
          stopSweeper()
          await app.close()
          await ctx.bus.close()
          await store.close()
        })()
        return closing
      },
    }
  } catch (error) {
    await store.close()
    throw error
  }
}
