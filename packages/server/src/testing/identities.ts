import { randomBytes as nodeRandomBytes } from "node:crypto"
import { ed25519 } from "@noble/curves/ed25519.js"
import { sha256 } from "@noble/hashes/sha2.js"
import {
  concatBytes,
  fromBase64Url,
  ID_BYTES,
  SignatureContext,
  signChallenge,
  signDeviceCertificate,
  solveProofOfWork,
  toBase64Url,
} from "@kith/protocol"
import { call } from "./httpClient"

export interface TestAccount {
  accountId: string
  accountIdBytes: Uint8Array
  publicKey: Uint8Array
  privateKey: Uint8Array
}

export interface TestDevice {
  account: TestAccount
  deviceId: string
  deviceIdBytes: Uint8Array
  publicKey: Uint8Array
  privateKey: Uint8Array
  certificate: Uint8Array
}

export interface TestUser {
  account: TestAccount
  device: TestDevice
  token: string
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length))
}

export function newKeyPair(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const privateKey = ed25519.utils.randomSecretKey()
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) }
}

export function expectOk<T>(result: { status: number; body: unknown }, what: string): T {
  if (result.status >= 300) throw new Error(`${what} failed: ${result.status} ${JSON.stringify(result.body)}`)
  return result.body as T
}

/** Pays the proof of work and registers a fresh account key. */
export async function registerAccount(url: string): Promise<TestAccount> {
  const { publicKey, privateKey } = newKeyPair()
  const body = await registrationBody(url, publicKey, privateKey)
  const { accountId } = expectOk<{ accountId: string }>(
    await call(url, "registerAccount", { body }),
    "registerAccount",
  )
  return { accountId, accountIdBytes: fromBase64Url(accountId)!, publicKey, privateKey }
}

export async function registrationBody(url: string, publicKey: Uint8Array, privateKey: Uint8Array) {
  const { challenge, difficulty } = expectOk<{ challenge: string; difficulty: number }>(
    await call(url, "registrationChallenge"),
    "registrationChallenge",
  )
  const challengeBytes = fromBase64Url(challenge)!
  return {
    accountPublicKey: toBase64Url(publicKey),
    challenge,
    nonce: toBase64Url(solveProofOfWork(challengeBytes, difficulty)),
    signature: toBase64Url(signChallenge(SignatureContext.register, challengeBytes, privateKey)),
  }
}

export async function sessionChallenge(url: string): Promise<Uint8Array> {
  const { challenge } = expectOk<{ challenge: string }>(
    await call(url, "sessionChallenge"),
    "sessionChallenge",
  )
  return fromBase64Url(challenge)!
}

/** A device certificate signed by the account key (for any account and key the caller chooses). */
export function certifyDevice(
  account: TestAccount,
  deviceKeys = newKeyPair(),
  deviceIdBytes = randomBytes(ID_BYTES),
) {
  const certificate = signDeviceCertificate(
    {
      accountId: account.accountIdBytes,
      accountPublicKey: account.publicKey,
      deviceId: deviceIdBytes,
      devicePublicKey: deviceKeys.publicKey,
      issuedAtMs: BigInt(Date.now()),
    },
    account.privateKey,
  )
  return { certificate, deviceIdBytes, publicKey: deviceKeys.publicKey, privateKey: deviceKeys.privateKey }
}

export async function addDeviceBody(url: string, account: TestAccount, certificate: Uint8Array) {
  const challenge = await sessionChallenge(url)
  return {
    certificate: toBase64Url(certificate),
    challenge: toBase64Url(challenge),
    signature: toBase64Url(
      signChallenge(SignatureContext.addDevice, concatBytes(challenge, certificate), account.privateKey),
    ),
  }
}

export async function addDevice(url: string, account: TestAccount): Promise<TestDevice> {
  const { certificate, deviceIdBytes, publicKey, privateKey } = certifyDevice(account)
  const body = await addDeviceBody(url, account, certificate)
  const { deviceId } = expectOk<{ deviceId: string }>(await call(url, "addDevice", { body }), "addDevice")
  return { account, deviceId, deviceIdBytes, publicKey, privateKey, certificate }
}

export async function openSessionBody(url: string, device: TestDevice) {
  const challenge = await sessionChallenge(url)
  return {
    deviceId: device.deviceId,
    challenge: toBase64Url(challenge),
    signature: toBase64Url(signChallenge(SignatureContext.session, challenge, device.privateKey)),
  }
}

export async function openSession(url: string, device: TestDevice): Promise<string> {
  const body = await openSessionBody(url, device)
  const { token } = expectOk<{ token: string }>(await call(url, "openSession", { body }), "openSession")
  return token
}

/** A registered account with one device and an open session. */
export async function newUser(url: string): Promise<TestUser> {
  const account = await registerAccount(url)
  const device = await addDevice(url, account)
  return { account, device, token: await openSession(url, device) }
}

/** Another device for an existing user's account, with its own session. */
export async function newDeviceOf(url: string, account: TestAccount): Promise<TestUser> {
  const device = await addDevice(url, account)
  return { account, device, token: await openSession(url, device) }
}

/** Registers a delivery token for the user's account; returns the token friends would use. */
export async function setDeliveryToken(url: string, user: TestUser): Promise<Uint8Array> {
  const token = randomBytes(32)
  expectOk(
    await call(url, "setDeliveryVerifier", {
      token: user.token,
      body: { verifier: toBase64Url(sha256(token)) },
    }),
    "setDeliveryVerifier",
  )
  return token
}
