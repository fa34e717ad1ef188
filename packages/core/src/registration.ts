import {
  concatBytes,
  ErrorCode,
  KithError,
  SignatureContext,
  signChallenge,
  solveProofOfWork,
  toBase64Url,
} from "@kith/protocol"
import { sha256 } from "@noble/hashes/sha2.js"
import { Batch } from "./batch"
import { newConversation } from "./conversation"
import { IDENTITY_KEY, type Engine } from "./engine"
import { certifyDevice, identityToRecord, keyPairFromSeed, type Identity, type KeyPair } from "./identity"
import { generateKeyPackageRecord, keyPackageOf, privatePackageOf } from "./keyPackages"
import { uploadKeyPackages } from "./keyPackageSupply"
import { groupIdOf, newGroup } from "./mlsGroup"
import { accountSeedFromPhrase, newRecoveryPhrase } from "./recoveryPhrase"
import { b64 } from "./records"

/** [H1] A new account: proof of work instead of personal data, signed by the new account key. */
async function registerAccountKey(engine: Engine, account: KeyPair): Promise<Uint8Array> {
  const { challenge, difficulty } = await engine.anonymousApi.call("registrationChallenge")
  const nonce = solveProofOfWork(b64(challenge), difficulty)
  const { accountId } = await engine.anonymousApi.call("registerAccount", {
    body: {
      accountPublicKey: toBase64Url(account.publicKey),
      challenge,
      nonce: toBase64Url(nonce),
      signature: toBase64Url(signChallenge(SignatureContext.register, b64(challenge), account.privateKey)),
    },
  })
  return b64(accountId)
}

/** [H2] Registers a device certificate with the server, signed by the account key. */
export async function addDeviceToServer(
  engine: Engine,
  account: KeyPair,
  certificate: Uint8Array,
): Promise<void> {
  const { challenge } = await engine.anonymousApi.call("sessionChallenge")
  const signature = signChallenge(
    SignatureContext.addDevice,
    concatBytes(b64(challenge), certificate),
    account.privateKey,
  )
  await engine.anonymousApi.call("addDevice", {
    body: { certificate: toBase64Url(certificate), challenge, signature: toBase64Url(signature) },
  })
}

/** A fresh device key and certificate for an account. */
export function newDevice(engine: Engine, accountId: Uint8Array, account: KeyPair) {
  const deviceId = engine.newId()
  const device = keyPairFromSeed(engine.random(32))
  const certificate = certifyDevice(accountId, account, deviceId, device.publicKey, engine.clock.now())
  return { deviceId, device, certificate }
}

export async function storeIdentity(engine: Engine, identity: Identity, ownDevices: string[]): Promise<void> {
  const batch = new Batch()
  batch.put(IDENTITY_KEY, identityToRecord(identity))
  batch.onStored(() => (engine.identity = identity))
  engine.updateMeta(batch, (meta) => ({ ...meta, ownDevices }))
  await engine.apply(batch)
}

/** The account's self conversation: its own devices only, created with this device as the first leaf. */
export async function createSelfConversation(engine: Engine): Promise<void> {
  const record = await generateKeyPackageRecord(engine.me(), false)
  const state = await newGroup(
    engine.newId(),
    keyPackageOf(record),
    privatePackageOf(record, engine.me()),
    engine.config,
  )
  const id = groupIdOf(state)
  const batch = new Batch()
  engine.groups.set(batch, id, state)
  engine.conversations.set(
    batch,
    newConversation(id, { kind: "self", status: "active", announced: true }, engine.clock.now()),
  )
  engine.updateMeta(batch, (meta) => ({ ...meta, selfConversationId: id }))
  await engine.apply(batch)
}

function assertUnregistered(engine: Engine): void {
  if (engine.identity) throw new KithError(ErrorCode.Conflict, "this store already holds an account")
}

/**
 * Creates an account and this device: account key from a new recovery
 * phrase, registration, device certificate, session, delivery verifier, key
 * packages, and the self conversation.
 */
export async function register(engine: Engine): Promise<{ recoveryPhrase: string; accountId: string }> {
  assertUnregistered(engine)
  const recoveryPhrase = newRecoveryPhrase(engine.random)
  const account = keyPairFromSeed(accountSeedFromPhrase(recoveryPhrase))
  const accountId = await registerAccountKey(engine, account)
  await enroll(engine, accountId, account, [])
  return { recoveryPhrase, accountId: toBase64Url(accountId) }
}

/**
 * A new device for an existing account from its recovery phrase. The old
 * devices' conversations cannot be recovered (their keys never left them), and
 * the delivery token is replaced, so friends must be added again.
 */
export async function restore(engine: Engine, recoveryPhrase: string): Promise<string> {
  assertUnregistered(engine)
  const account = keyPairFromSeed(accountSeedFromPhrase(recoveryPhrase))
  const { accountId } = await engine.anonymousApi.call("lookupAccountByKey", {
    params: { accountPublicKey: toBase64Url(account.publicKey) },
  })
  await enroll(engine, b64(accountId), account, null)
  return accountId
}

async function enroll(
  engine: Engine,
  accountId: Uint8Array,
  account: KeyPair,
  knownDevices: string[] | null,
): Promise<void> {
  const { deviceId, device, certificate } = newDevice(engine, accountId, account)
  await addDeviceToServer(engine, account, certificate)
  const identity: Identity = {
    accountId,
    account,
    deviceId,
    device,
    certificate,
    deliveryToken: engine.random(32),
    profileKey: engine.random(32),
  }
  await storeIdentity(engine, identity, [toBase64Url(deviceId), ...(knownDevices ?? [])])
  if (knownDevices === null) {
    const { devices } = await engine.api.call("getAccount", { params: { accountId: toBase64Url(accountId) } })
    await storeIdentity(
      engine,
      identity,
      devices.map((d) => d.deviceId),
    )
  }
  await engine.api.call("setDeliveryVerifier", {
    body: { verifier: toBase64Url(sha256(identity.deliveryToken)) },
  })
  const policy = engine.options.keyPackages
  await uploadKeyPackages(engine, policy.target, true)
  await createSelfConversation(engine)
}
