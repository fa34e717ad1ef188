import type { AddressInfo } from "node:net"
import { resolveConfig, type ServerConfig } from "./config"
import type { ServerContext } from "./context"
import type { SweepResult } from "./storage/store"
import { loadServerSecrets } from "./serverSecrets"
import { createLogger } from "./observability/logger"
import { createMetrics } from "./observability/metrics"
import { openNodeServices } from "./cluster/nodeServices"
import { RegistrationChallenges } from "./registration/registrationChallenges"
import { ConnectionRegistry } from "./ws/connectionRegistry"
import { buildApp } from "./http/app"
import { startSweeper, sweepOnce } from "./maintenance"
import { BlobService } from "./blobs/blobService"
import { FsBlobStore } from "./blobs/fsBlobStore"
import { join } from "node:path"
import { registeredRoutesOf } from "./http/registeredRoutes"
import { MAX_BLOB_BYTES } from "@kith/protocol"
import { MAX_PENDING_WRITE_BYTES, WriteAdmission } from "./delivery/writeAdmission"

export type { ServerConfig } from "./config"
export type { SweepResult } from "./storage/store"

export interface RunningServer {
  /** http://host:port */
  url: string
  port: number
  /** Every route the server answers, as "METHOD /url" (what the authorisation test checks). */
  routes: readonly string[]
  /** Runs the expiry sweep now (with the configured clock), as the minute timer does. */
  sweep(): Promise<SweepResult>
  close(): Promise<void>
}

/**
 * Starts a Kith delivery server: by default SQLite in `dataDir`, an
 * in-process bus and memory for everything ephemeral; with `databaseUrl`
 * PostgreSQL, and with `redisUrl` too a cluster node sharing the bus and
 * ephemeral state through Redis.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const resolved = resolveConfig(config)
  const clock = resolved.now
  const logger = createLogger(resolved.logLevel, resolved.logStream)
  const metrics = createMetrics()
  const services = await openNodeServices(resolved, clock, logger, metrics)
  const { store } = services
  try {
    const secrets = await loadServerSecrets(store.secrets)
    const blobStore = await FsBlobStore.open(resolved.blobDir ?? join(resolved.dataDir, "blobs"))
    const blobLimits = { maxBlobBytes: MAX_BLOB_BYTES, quotaBytes: resolved.blobQuotaBytes }
    const ctx: ServerContext = {
      config: resolved,
      clock,
      store,
      bus: services.bus,
      sessions: services.sessions,
      sessionChallenges: services.sessionChallenges,
      registrationChallenges: new RegistrationChallenges(
        secrets.registrationChallengeKey,
        clock,
        services.spentRegistrationChallenges,
      ),
      rateLimiter: services.rateLimiter,
      provisioning: services.provisioning,
      ipKeys: services.ipKeys,
      secrets,
      metrics,
      logger,
      connections: new ConnectionRegistry(),
      blobs: await BlobService.open(blobStore, blobLimits, clock),
      admission: new WriteAdmission(resolved.maxPendingWrites, MAX_PENDING_WRITE_BYTES),
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
      routes: registeredRoutesOf(app),
      sweep: () => sweepOnce(ctx),
      close: () => {
        closing ??= (async () => {
          stopSweeper()
          // Fastify closes the connections idle when closing starts; one whose last response
          // is still flushing turns idle a moment later and would hold the close for the
          // whole keep-alive timeout (72 s), so idle ones are closed until the close is done.
          const idleCloser = setInterval(() => app.server.closeIdleConnections(), 50)
          await app.close().finally(() => clearInterval(idleCloser))
          await services.close()
        })()
        return closing
      },
    }
  } catch (error) {
    await services.close()
    throw error
  }
}
