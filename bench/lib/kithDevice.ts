import { ed25519 } from "@noble/curves/ed25519.js"
import { sha256 } from "@noble/hashes/sha2.js"
import {
  KithError,
  Routes,
  SignatureContext,
  WS_PATH,
  concatBytes,
  decodeServerFrame,
  encodeClientFrame,
  fromBase64Url,
  signChallenge,
  signDeviceCertificate,
  solveProofOfWork,
  toBase64Url,
  type ServerFrame,
} from "@kith/protocol"
import WebSocket from "ws"

/**
 * A device for the load generator, speaking the wire protocol directly (no
 * MLS: the relay's cost does not depend on what the ciphertext holds).
 */
export interface BenchDevice {
  deviceId: Uint8Array
  deliveryToken: Uint8Array
  token: string
}

async function call(base: string, route: { method: string; url: string }, body?: unknown, token?: string) {
  const response = await fetch(base + route.url, {
    method: route.method,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  const json = text ? JSON.parse(text) : undefined
  if (!response.ok) throw new KithError(json?.code ?? "KITH_ERR_INTERNAL", `${route.url}: ${json?.message}`)
  return json
}

const b = (bytes: Uint8Array) => toBase64Url(bytes)
const u = (text: string) => fromBase64Url(text)!

/**
 * An account with `count` devices (at most the per-account limit), each with
 * a session; they share the account's delivery token. Cheaper than an
 * account per device: the server checks three signatures per device instead
 * of four, and the registration proof of work is done once.
 */
export async function registerBenchAccount(base: string, count: number): Promise<BenchDevice[]> {
  const accountKey = ed25519.utils.randomSecretKey()
  const accountPublicKey = ed25519.getPublicKey(accountKey)
  const { challenge, difficulty } = await call(base, Routes.registrationChallenge)
  const nonce = solveProofOfWork(u(challenge), difficulty)
  const { accountId } = await call(base, Routes.registerAccount, {
    accountPublicKey: b(accountPublicKey),
    challenge,
    nonce: b(nonce),
    signature: b(signChallenge(SignatureContext.register, u(challenge), accountKey)),
  })

  const devices: BenchDevice[] = []
  const deliveryToken = crypto.getRandomValues(new Uint8Array(32))
  for (let d = 0; d < count; d++) {
    const deviceKey = ed25519.utils.randomSecretKey()
    const deviceId = crypto.getRandomValues(new Uint8Array(16))
    const certificate = signDeviceCertificate(
      {
        accountId: u(accountId),
        accountPublicKey,
        deviceId,
        devicePublicKey: ed25519.getPublicKey(deviceKey),
        issuedAtMs: BigInt(Date.now()),
      },
      accountKey,
    )
    const add = await call(base, Routes.sessionChallenge)
    await call(base, Routes.addDevice, {
      certificate: b(certificate),
      challenge: add.challenge,
      signature: b(
        signChallenge(SignatureContext.addDevice, concatBytes(u(add.challenge), certificate), accountKey),
      ),
    })
    const session = await call(base, Routes.sessionChallenge)
    const { token } = await call(base, Routes.openSession, {
      deviceId: b(deviceId),
      challenge: session.challenge,
      signature: b(signChallenge(SignatureContext.session, u(session.challenge), deviceKey)),
    })
    if (d === 0) await call(base, Routes.setDeliveryVerifier, { verifier: b(sha256(deliveryToken)) }, token)
    devices.push({ deviceId, deliveryToken, token })
  }
  return devices
}

/** A WebSocket that speaks Kith frames and matches replies to requests. */
export class FrameSocket {
  private nextId = 1
  private pending = new Map<number, (frame: ServerFrame) => void>()
  onPush: (frame: ServerFrame) => void = () => {}

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const frame = decodeServerFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      const waiter = this.pending.get(frame.requestId)
      if (frame.requestId !== 0 && waiter) {
        this.pending.delete(frame.requestId)
        waiter(frame)
      } else this.onPush(frame)
    })
  }

  static open(base: string): Promise<FrameSocket> {
    const ws = new WebSocket(base.replace(/^http/, "ws") + WS_PATH)
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new FrameSocket(ws)))
      ws.once("error", reject)
    })
  }

  request(body: ServerFrameBody): Promise<ServerFrame> {
    const requestId = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve)
      this.ws.send(encodeClientFrame({ requestId, body } as never))
    })
  }

  /** Sends without waiting; the reply comes to onPush. Returns the request id. */
  send(body: ServerFrameBody): number {
    const requestId = this.nextId++
    this.ws.send(encodeClientFrame({ requestId, body } as never))
    return requestId
  }

  close(): void {
    this.ws.close()
  }
}

type ServerFrameBody = Parameters<typeof encodeClientFrame>[0]["body"]
