/** Sizes and rates both sides enforce (docs/protocol.md §7). */
export const Limits = {
  /** Largest WebSocket frame either side accepts. */
  maxFrameBytes: 2 * 1024 * 1024,
  /** Largest single delivery payload (an MLS message or Welcome). */
  maxPayloadBytes: 1024 * 1024,
  /**
   * Largest sealed ratchet tree (docs/protocol.md §"Ratchet trees"): with
   * X-Wing keys a tree takes about 1.5 KB per device, so 6 MiB holds one of
   * maxGroupDevices with room to spare.
   */
  maxRatchetTreeBytes: 6 * 1024 * 1024,
  /** Most deliveries in one Send or SubmitCommit frame. */
  maxDeliveriesPerFrame: 16,
  /** Most recipient devices of one delivery. */
  maxRecipientsPerDelivery: 2500,
  /**
   * Most devices a group may have: a commit reaching more is refused with
   * KITH_ERR_GROUP_TOO_LARGE, so nobody can build a group to amplify fan-out.
   */
  maxGroupDevices: 2500,
  /** Most sequence numbers in one Ack. */
  maxAcksPerFrame: 1000,
  /** Largest HTTP request body. */
  maxHttpBodyBytes: 512 * 1024,
  /** Most key packages in one upload. */
  maxKeyPackagesPerUpload: 100,
  /** Most unclaimed one-time key packages a device may hold at the server. */
  maxKeyPackagesPerDevice: 200,
  maxKeyPackageBytes: 16 * 1024,
  /** Largest encrypted profile. */
  maxProfileBytes: 64 * 1024,
  /** Largest profile picture (re-encoded JPEG); with the name it stays well under maxProfileBytes. */
  maxAvatarBytes: 32 * 1024,
  /** Most devices one account may have. */
  maxDevicesPerAccount: 16,
  /** Largest provisioning (device-linking) message. */
  maxProvisioningBytes: 64 * 1024,
  /** Undelivered mailbox entries expire after this long. */
  mailboxRetentionMs: 30 * 24 * 3600 * 1000,
  /** Blobs (attachments) are deleted this long after their upload began. */
  blobRetentionMs: 30 * 24 * 3600 * 1000,
  /** Unsealed deliveries (friend requests) an account may send per hour. */
  unsealedPerHour: 30,
  /** A message may be recalled by its sender for this long. */
  recallWindowMs: 2 * 60 * 1000,
  /** The disappearing-messages timers a conversation may be set to (0 is off): 30 s, 5 min, 1 h, 1 day, 1 week. */
  disappearingTimersMs: [0, 30_000, 300_000, 3_600_000, 86_400_000, 604_800_000] as readonly number[],
  /** Most messages one report may carry. */
  maxReportedMessages: 50,
  /** Longest text (a message or a caption) a report may quote, in characters. */
  maxReportedTextLength: 4096,
  /** Reports an account may file per hour. */
  reportsPerHour: 10,
  /** The operator keeps a report this long, then it is deleted. */
  reportRetentionMs: 90 * 24 * 3600 * 1000,
  usernameMinLength: 3,
  usernameMaxLength: 32,
} as const

/** Identifiers are random 16-byte values, written as base64url on HTTP. */
export const ID_BYTES = 16

/**
 * The one MLS ciphersuite Kith speaks: X-Wing (X25519 + ML-KEM-768) hybrid KEM
 * for post-quantum confidentiality, ChaCha20-Poly1305, SHA-512, Ed25519
 * signatures. docs/crypto.md says why and what it costs.
 */
export const MLS_CIPHERSUITE = "MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519" as const
