import { blockedAccounts, syncBlockList } from "./blocking"
import { create, fromBinary, toBinary } from "@bufbuild/protobuf"
import {
  bytesEqual,
  concatBytes,
  ErrorCode,
  fromBase64Url,
  KithError,
  provisioning as pb,
  toBase64Url,
  utf8,
  verifyDeviceCertificate,
} from "@kith/protocol"
import { ed25519 } from "@noble/curves/ed25519.js"
import { hkdf } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Batch } from "./batch"
import { claimKeyPackages } from "./claims"
import { addDevices, commitChange } from "./commits"
import { newContact, withProfile } from "./contacts"
import { isWellFormedProfile } from "./contentCodec"
import type { Engine } from "./engine"
import { certifyDevice, keyPairFromSeed, type Identity } from "./identity"
import { uploadKeyPackages } from "./keyPackageSupply"
import { isActive } from "./mlsGroup"
import { profileOfContact, snapshotBody } from "./profiles"
import { b64 } from "./records"
import { addDeviceToServer, storeIdentity } from "./registration"
import { open, seal } from "./sealedBox"

/**
 * Linking a device with a one-time code ([§6] of docs/protocol.md): the code
 * is base64url(provisioning id || secret); both sides derive an AEAD key from
 * the secret with HKDF-SHA256 ("kith-provisioning-v1") and exchange, through
 * the server's slot, the new device's key and, back, the account key, its
 * certificate and the account's secrets. The server sees neither.
 */
const INFO = utf8.encode("kith-provisioning-v1")
const POLL_MS = 250
const WAIT_FOR_PEER_MS = 10 * 60 * 1000

interface LinkCode {
  provisioningId: Uint8Array
  key: Uint8Array
}

function parseCode(code: string): LinkCode {
  const bytes = fromBase64Url(code.trim())
  if (!bytes || bytes.length !== 32) throw new KithError(ErrorCode.BadLinkCode, "not a Kith link code")
  return { provisioningId: bytes.subarray(0, 16), key: hkdf(sha256, bytes.subarray(16), undefined, INFO, 32) }
}

/** Each message is bound to its slot and direction, so one cannot be replayed as the other. */
const aad = (code: LinkCode, direction: "request" | "response") =>
  concatBytes(code.provisioningId, utf8.encode(direction))

/** Polls a provisioning route until it stops answering 404. */
async function poll<T>(engine: Engine, read: () => Promise<T>): Promise<T> {
  const deadline = engine.clock.now() + WAIT_FOR_PEER_MS
  for (;;) {
    try {
      return await read()
    } catch (e) {
      if (!(e instanceof KithError) || e.code !== ErrorCode.NotFound) throw e
    }
    if (engine.closed || engine.clock.now() > deadline) {
      throw new KithError(ErrorCode.BadLinkCode, "the other device did not answer in time")
    }
    await engine.clock.sleep(POLL_MS)
  }
}

/** The existing device's side: a code to show, and a promise that resolves once the new device is in every conversation. */
export async function createLinkCode(engine: Engine): Promise<{ code: string; done: Promise<void> }> {
  const me = engine.me()
  const { provisioningId } = await engine.api.call("createProvisioning")
  const secret = engine.random(16)
  const codeText = toBase64Url(concatBytes(b64(provisioningId), secret))
  const code = parseCode(codeText)
  const done = (async () => {
    const params = { provisioningId }
    const posted = await poll(engine, () => engine.api.call("getProvisioningRequest", { params }))
    let request: pb.ProvisionRequest
    try {
      request = fromBinary(
        pb.ProvisionRequestSchema,
        open(code.key, b64(posted.ciphertext), aad(code, "request")),
      )
    } catch {
      throw new KithError(ErrorCode.BadLinkCode, "the new device's request does not open with this code")
    }
    if (request.deviceId.length !== 16 || request.devicePublicKey.length !== 32) {
      throw new KithError(ErrorCode.BadLinkCode, "malformed device-link request")
    }
    const certificate = certifyDevice(
      me.accountId,
      me.account,
      request.deviceId,
      request.devicePublicKey,
      engine.clock.now(),
    )
    const friends = engine.contacts
      .all()
      .filter((c) => c.friend)
      .map((c) => profileOfContact(engine, c.accountId))
      .filter((p) => p !== undefined)
    const response = create(pb.ProvisionResponseSchema, {
      accountId: me.accountId,
      accountPrivateKey: me.account.privateKey,
      certificate,
      deliveryToken: me.deliveryToken,
      profileKey: me.profileKey,
      friends,
    })
    const ciphertext = seal(
      code.key,
      toBinary(pb.ProvisionResponseSchema, response),
      engine.random,
      aad(code, "response"),
    )
    await engine.api.call("putProvisioningResponse", {
      params,
      body: { ciphertext: toBase64Url(ciphertext) },
    })
    await addOwnDeviceEverywhere(engine, toBase64Url(request.deviceId))
    // The new device learns who is blocked from the self conversation it was just added to.
    if (blockedAccounts(engine).length > 0) await syncBlockList(engine)
  })()
  return { code: codeText, done }
}

/**
 * Adds a newly linked device of this account to every conversation this
 * device is in (waiting for its key packages to appear), with a snapshot so
 * it learns each conversation's kind, name and members.
 */
export async function addOwnDeviceEverywhere(engine: Engine, deviceId: string): Promise<void> {
  for (const conversation of engine.conversations.all()) {
    if (conversation.kind === "unknown" || conversation.status === "incoming-request") continue
    const state = await engine.groups.get(conversation.id)
    if (!state || !isActive(state)) continue
    const claimed = await claimForDevice(engine, deviceId)
    await commitChange(engine, conversation.id, (current, record) => ({
      proposals: addDevices(claimed)(current),
      contents: (after) => [snapshotBody(engine, record, after)],
    }))
  }
}

async function claimForDevice(engine: Engine, deviceId: string) {
  const deadline = engine.clock.now() + WAIT_FOR_PEER_MS
  for (;;) {
    const { devices } = await engine.api.call("getAccount", { params: { accountId: engine.myAccountId } })
    if (devices.some((d) => d.deviceId === deviceId)) {
      const others = devices.map((d) => d.deviceId).filter((d) => d !== deviceId)
      const claimed = (await claimKeyPackages(engine, engine.myAccountId, others)).filter(
        (k) => k.deviceId === deviceId,
      )
      if (claimed.length > 0) return claimed
    }
    if (engine.closed || engine.clock.now() > deadline) {
      throw new KithError(ErrorCode.NoKeyPackage, "the new device never published key packages")
    }
    await engine.clock.sleep(POLL_MS)
  }
}

/** The new device's side: enrols with what the existing device sends and becomes a device of the account. */
export async function joinWithLinkCode(engine: Engine, codeText: string): Promise<void> {
  if (engine.identity) throw new KithError(ErrorCode.Conflict, "this store already holds an account")
  const code = parseCode(codeText)
  const provisioningId = toBase64Url(code.provisioningId)
  const deviceId = engine.newId()
  const device = keyPairFromSeed(engine.random(32))
  const request = toBinary(
    pb.ProvisionRequestSchema,
    create(pb.ProvisionRequestSchema, { deviceId, devicePublicKey: device.publicKey }),
  )
  await engine.anonymousApi.call("putProvisioningRequest", {
    params: { provisioningId },
    body: { ciphertext: toBase64Url(seal(code.key, request, engine.random, aad(code, "request"))) },
  })
  const posted = await poll(engine, () =>
    engine.anonymousApi.call("getProvisioningResponse", { params: { provisioningId } }),
  )
  let response: pb.ProvisionResponse
  try {
    response = fromBinary(
      pb.ProvisionResponseSchema,
      open(code.key, b64(posted.ciphertext), aad(code, "response")),
    )
  } catch {
    throw new KithError(ErrorCode.BadLinkCode, "the response does not open with this code")
  }
  const account = keyPairFromSeed(response.accountPrivateKey)
  const { certificate } = verifyDeviceCertificate(response.certificate)
  const matches =
    bytesEqual(certificate.deviceId, deviceId) &&
    bytesEqual(certificate.devicePublicKey, device.publicKey) &&
    bytesEqual(certificate.accountId, response.accountId) &&
    bytesEqual(certificate.accountPublicKey, ed25519.getPublicKey(response.accountPrivateKey))
  if (!matches || response.deliveryToken.length !== 32 || response.profileKey.length !== 32) {
    throw new KithError(ErrorCode.BadLinkCode, "the response does not certify this device")
  }
  await addDeviceToServer(engine, account, response.certificate)
  const identity: Identity = {
    accountId: response.accountId,
    account,
    deviceId,
    device,
    certificate: response.certificate,
    deliveryToken: response.deliveryToken,
    profileKey: response.profileKey,
  }
  await storeIdentity(engine, identity, [toBase64Url(deviceId)])
  const { devices } = await engine.api.call("getAccount", {
    params: { accountId: toBase64Url(identity.accountId) },
  })
  const batch = new Batch()
  const ownDevices = devices.map((d) => d.deviceId)
  engine.updateMeta(batch, (meta) => ({ ...meta, ownDevices }))
  for (const friend of response.friends) {
    if (!isWellFormedProfile(friend)) continue
    const accountId = toBase64Url(friend.accountId)
    engine.contacts.update(batch, accountId, (current) => {
      const contact = withProfile(current ?? newContact(accountId, friend.accountPublicKey), friend)
      return contact && { ...contact, friend: true }
    })
  }
  await engine.apply(batch)
  await uploadKeyPackages(engine, engine.options.keyPackages.target, true)
}
