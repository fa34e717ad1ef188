import { Type, type Static, type TSchema } from "@sinclair/typebox"
import { Limits } from "./limits"

/**
 * The HTTP API (docs/protocol.md §4). Bodies are JSON; bytes are base64url
 * strings without padding. The server validates every request against these
 * schemas, and the client validates every response, so neither side handles
 * unchecked input. Each route names whether it needs a device session
 * (`Authorization: Bearer <token>`).
 */
const b64 = (maxBytes: number, minBytes = 1) =>
  Type.String({
    pattern: "^[A-Za-z0-9_-]*$",
    minLength: Math.ceil((minBytes * 4) / 3),
    maxLength: Math.ceil((maxBytes * 4) / 3),
  })

export const Id = b64(16, 16)
export const Key32 = b64(32, 32)
export const Signature64 = b64(64, 64)
export const Challenge = b64(64, 16)

export const ErrorResponse = Type.Object({
  code: Type.String(),
  message: Type.String(),
  retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
})

const strict = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false })

export const RegistrationChallengeResponse = strict({ challenge: Challenge, difficulty: Type.Integer() })

export const RegisterAccountRequest = strict({
  accountPublicKey: Key32,
  challenge: Challenge,
  nonce: b64(16),
  /** Account key's signature over "kith-register-v1" || challenge. */
  signature: Signature64,
})
export const RegisterAccountResponse = strict({ accountId: Id })

export const SessionChallengeResponse = strict({ challenge: Challenge })

export const AddDeviceRequest = strict({
  certificate: b64(1024),
  challenge: Challenge,
  /** Account key's signature over "kith-add-device-v1" || challenge || certificate. */
  signature: Signature64,
})
export const AddDeviceResponse = strict({ deviceId: Id })

export const OpenSessionRequest = strict({
  deviceId: Id,
  challenge: Challenge,
  /** Device key's signature over "kith-session-v1" || challenge. */
  signature: Signature64,
})
export const OpenSessionResponse = strict({
  token: Type.String({ minLength: 16, maxLength: 128 }),
  accountId: Id,
  expiresAtMs: Type.Integer(),
})

export const DeviceEntry = strict({ deviceId: Id, certificate: b64(1024) })
export const AccountResponse = strict({
  accountId: Id,
  accountPublicKey: Key32,
  devices: Type.Array(DeviceEntry, { maxItems: Limits.maxDevicesPerAccount }),
})

export const Username = Type.String({
  minLength: Limits.usernameMinLength,
  maxLength: Limits.usernameMaxLength,
  pattern: "^[a-z0-9_.]+$",
})
export const ClaimUsernameRequest = strict({ username: Username })
export const UsernameLookupResponse = strict({ accountId: Id })

export const ProfileBody = strict({ ciphertext: b64(Limits.maxProfileBytes) })

export const DeliveryVerifierRequest = strict({ verifier: Key32 })

export const UploadKeyPackagesRequest = strict({
  keyPackages: Type.Array(b64(Limits.maxKeyPackageBytes), { maxItems: Limits.maxKeyPackagesPerUpload }),
  lastResort: Type.Optional(b64(Limits.maxKeyPackageBytes)),
})
export const KeyPackageCountResponse = strict({ count: Type.Integer(), hasLastResort: Type.Boolean() })
export const ClaimKeyPackagesRequest = strict({
  excludeDeviceIds: Type.Optional(Type.Array(Id, { maxItems: Limits.maxDevicesPerAccount })),
})
export const ClaimKeyPackagesResponse = strict({
  keyPackages: Type.Array(strict({ deviceId: Id, keyPackage: b64(Limits.maxKeyPackageBytes) }), {
    maxItems: Limits.maxDevicesPerAccount,
  }),
})

export const ProvisioningCreateResponse = strict({ provisioningId: Id })
export const ProvisioningMessage = strict({ ciphertext: b64(Limits.maxProvisioningBytes) })

/** A group's ratchet tree, sealed under a key derived from the epoch it belongs to. */
export const RatchetTreeBody = strict({ ciphertext: b64(Limits.maxRatchetTreeBytes) })
/** The tree's id, derived from the same epoch: only its members and joiners know it. */
export const RatchetTreeParams = strict({ treeId: Id })

/** Why a user reports messages; the operator's tooling groups reports by it. */
export const ReportReason = Type.Union([
  Type.Literal("spam"),
  Type.Literal("harassment"),
  Type.Literal("threat"),
  Type.Literal("impersonation"),
  Type.Literal("other"),
])
/**
 * One reported message, exactly as the reporter's device shows it: the
 * plaintext (text or caption), who sent it as the reporter sees it, and when.
 * An attachment is described by its kind and name; its bytes are not sent.
 */
export const ReportedMessage = strict({
  senderAccountId: Id,
  sentAtMs: Type.Integer({ minimum: 0 }),
  text: Type.String({ maxLength: Limits.maxReportedTextLength }),
  attachment: Type.Optional(
    strict({
      kind: Type.Union([Type.Literal("file"), Type.Literal("photo"), Type.Literal("voice")]),
      fileName: Type.String({ maxLength: 255 }),
    }),
  ),
})
/**
 * A report: the only request that carries plaintext to the operator, and
 * only what the user chose after a consent dialog. It names no reporter.
 */
export const SubmitReportRequest = strict({
  reason: ReportReason,
  messages: Type.Array(ReportedMessage, { minItems: 1, maxItems: Limits.maxReportedMessages }),
})
export const SubmitReportResponse = strict({ reportId: Id })

export const AccountIdParams = strict({ accountId: Id })
export const DeviceIdParams = strict({ deviceId: Id })
export const AccountKeyParams = strict({ accountPublicKey: Key32 })
export const UsernameParams = strict({ username: Type.String({ maxLength: 64 }) })
export const ProvisioningParams = strict({ provisioningId: Id })

export type Auth = "none" | "session"

export interface RouteSpec {
  method: "GET" | "POST" | "PUT" | "DELETE"
  url: string
  auth: Auth
  summary: string
  params?: TSchema
  body?: TSchema
  response?: TSchema
  /** A larger request body than Limits.maxHttpBodyBytes, for the one route that needs it. */
  bodyLimit?: number
}

/** The route table: the server registers exactly these, the client calls only these. */
export const Routes = {
  registrationChallenge: {
    method: "POST",
    url: "/v1/registration/challenge",
    auth: "none",
    summary: "A proof-of-work challenge for registering an account",
    response: RegistrationChallengeResponse,
  },
  registerAccount: {
    method: "POST",
    url: "/v1/accounts",
    auth: "none",
    summary: "Register an account key, paying with proof of work",
    body: RegisterAccountRequest,
    response: RegisterAccountResponse,
  },
  sessionChallenge: {
    method: "POST",
    url: "/v1/sessions/challenge",
    auth: "none",
    summary: "A single-use challenge for opening a session or adding a device",
    response: SessionChallengeResponse,
  },
  openSession: {
    method: "POST",
    url: "/v1/sessions",
    auth: "none",
    summary: "Open a device session by signing a challenge with the device key",
    body: OpenSessionRequest,
    response: OpenSessionResponse,
  },
  addDevice: {
    method: "POST",
    url: "/v1/devices",
    auth: "none",
    summary: "Add a device certified by the account key",
    body: AddDeviceRequest,
    response: AddDeviceResponse,
  },
  removeDevice: {
    method: "DELETE",
    url: "/v1/devices/:deviceId",
    auth: "session",
    summary: "Remove one of the caller's account's devices and its mailbox",
    params: DeviceIdParams,
  },
  getAccount: {
    method: "GET",
    url: "/v1/accounts/:accountId",
    auth: "session",
    summary: "An account's public key and certified devices",
    params: AccountIdParams,
    response: AccountResponse,
  },
  lookupAccountByKey: {
    method: "GET",
    url: "/v1/account-keys/:accountPublicKey",
    auth: "none",
    summary: "Find the account registered for an account public key (restoring from a recovery phrase)",
    params: AccountKeyParams,
    response: UsernameLookupResponse,
  },
  deleteAccount: {
    method: "DELETE",
    url: "/v1/account",
    auth: "session",
    summary: "Delete the caller's account and everything the server holds for it",
  },
  claimUsername: {
    method: "PUT",
    url: "/v1/username",
    auth: "session",
    summary: "Claim a username (stored only as a keyed hash)",
    body: ClaimUsernameRequest,
  },
  releaseUsername: {
    method: "DELETE",
    url: "/v1/username",
    auth: "session",
    summary: "Release the caller's username",
  },
  lookupUsername: {
    method: "GET",
    url: "/v1/usernames/:username",
    auth: "session",
    summary: "Find the account that claimed a username",
    params: UsernameParams,
    response: UsernameLookupResponse,
  },
  putProfile: {
    method: "PUT",
    url: "/v1/profile",
    auth: "session",
    summary: "Replace the caller's encrypted profile",
    body: ProfileBody,
  },
  getProfile: {
    method: "GET",
    url: "/v1/accounts/:accountId/profile",
    // No session: friends read profiles again and again, and a session would
    // tell the server whose profiles each account reads — its friend list.
    auth: "none",
    summary: "An account's encrypted profile (no session, so that reads do not name the reader)",
    params: AccountIdParams,
    response: ProfileBody,
  },
  setDeliveryVerifier: {
    method: "PUT",
    url: "/v1/delivery-verifier",
    auth: "session",
    summary: "Set SHA-256 of the caller's delivery token, which authorises sealed deliveries to it",
    body: DeliveryVerifierRequest,
  },
  uploadKeyPackages: {
    method: "POST",
    url: "/v1/key-packages",
    auth: "session",
    summary: "Upload one-time key packages and optionally a last-resort one for the caller's device",
    body: UploadKeyPackagesRequest,
  },
  keyPackageCount: {
    method: "GET",
    url: "/v1/key-packages/count",
    auth: "session",
    summary: "How many one-time key packages the caller's device has left",
    response: KeyPackageCountResponse,
  },
  claimKeyPackages: {
    method: "POST",
    url: "/v1/accounts/:accountId/key-packages/claim",
    auth: "session",
    summary: "Claim one key package for each device of an account",
    params: AccountIdParams,
    body: ClaimKeyPackagesRequest,
    response: ClaimKeyPackagesResponse,
  },
  createProvisioning: {
    method: "POST",
    url: "/v1/provisioning",
    auth: "session",
    summary: "Open a device-linking slot (kept in memory for 10 minutes)",
    response: ProvisioningCreateResponse,
  },
  putProvisioningRequest: {
    method: "PUT",
    url: "/v1/provisioning/:provisioningId/request",
    auth: "none",
    summary: "The new device posts its encrypted request",
    params: ProvisioningParams,
    body: ProvisioningMessage,
  },
  getProvisioningRequest: {
    method: "GET",
    url: "/v1/provisioning/:provisioningId/request",
    auth: "session",
    summary: "The slot's owner reads the new device's request (404 until posted)",
    params: ProvisioningParams,
    response: ProvisioningMessage,
  },
  putProvisioningResponse: {
    method: "PUT",
    url: "/v1/provisioning/:provisioningId/response",
    auth: "session",
    summary: "The slot's owner posts the encrypted response",
    params: ProvisioningParams,
    body: ProvisioningMessage,
  },
  getProvisioningResponse: {
    method: "GET",
    url: "/v1/provisioning/:provisioningId/response",
    auth: "none",
    summary: "The new device reads the response (404 until posted); the slot is then closed",
    params: ProvisioningParams,
    response: ProvisioningMessage,
  },
  putRatchetTree: {
    method: "PUT",
    url: "/v1/ratchet-trees/:treeId",
    auth: "session",
    summary: "Store a sealed ratchet tree for a group's joiners (first write wins; kept 30 days)",
    params: RatchetTreeParams,
    body: RatchetTreeBody,
    bodyLimit: Math.ceil((Limits.maxRatchetTreeBytes * 4) / 3) + 1024,
  },
  getRatchetTree: {
    method: "GET",
    url: "/v1/ratchet-trees/:treeId",
    auth: "none",
    summary: "A sealed ratchet tree; its unguessable id is the permission",
    params: RatchetTreeParams,
    response: RatchetTreeBody,
  },
  submitReport: {
    method: "POST",
    url: "/v1/reports",
    auth: "session",
    summary: "Report messages to the operator: their plaintext, senders and times, chosen by the user",
    body: SubmitReportRequest,
    response: SubmitReportResponse,
  },
} as const satisfies Record<string, RouteSpec>

export type RouteName = keyof typeof Routes
type RouteOf<N extends RouteName> = (typeof Routes)[N]
export type BodyOf<N extends RouteName> =
  RouteOf<N> extends { body: infer B extends TSchema } ? Static<B> : undefined
export type ResponseOf<N extends RouteName> =
  RouteOf<N> extends { response: infer R extends TSchema } ? Static<R> : undefined
export type ParamsOf<N extends RouteName> =
  RouteOf<N> extends { params: infer P extends TSchema } ? Static<P> : undefined

/** WebSocket endpoint path. */
export const WS_PATH = "/v1/ws"
