import type { ResolvedConfig } from "./config"
import type { Clock } from "./clock"
import type { Store } from "./storage/store"
import type { MailboxBus } from "./bus/mailboxBus"
import type { SessionStore } from "./ephemeral/sessionStore"
import type { ExpiringSet } from "./ephemeral/expiringSet"
import type { RateLimiter } from "./ephemeral/rateLimiter"
import type { ProvisioningSlots } from "./ephemeral/provisioningSlots"
import type { DailyIpKeys } from "./ephemeral/dailyIpKeys"
import type { RegistrationChallenges } from "./registration/registrationChallenges"
import type { ServerSecrets } from "./serverSecrets"
import type { Metrics } from "./observability/metrics"
import type { Logger } from "./observability/logger"
import type { ConnectionRegistry } from "./ws/connectionRegistry"
import type { BlobService } from "./blobs/blobService"
import type { WriteAdmission } from "./delivery/writeAdmission"

/** Everything a request handler may reach: the durable store, the ephemeral stores, the bus. */
export interface ServerContext {
  config: ResolvedConfig
  clock: Clock
  store: Store
  bus: MailboxBus
  sessions: SessionStore
  sessionChallenges: ExpiringSet
  registrationChallenges: RegistrationChallenges
  rateLimiter: RateLimiter
  provisioning: ProvisioningSlots
  ipKeys: DailyIpKeys
  secrets: ServerSecrets
  metrics: Metrics
  logger: Logger
  connections: ConnectionRegistry
  /** Encrypted attachments: quotas, uploads, downloads, expiry (docs/media.md). */
  blobs: BlobService
  /** Sends and commits worked on at once; past it, KITH_ERR_OVERLOADED (docs/performance.md). */
  admission: WriteAdmission
}
