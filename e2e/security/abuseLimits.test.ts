import { afterEach, describe, expect, it } from "vitest"
import {
  checkProofOfWork,
  fromBase64Url,
  ID_BYTES,
  Limits,
  SignatureContext,
  signChallenge,
  toBase64Url,
  type ServerFrame,
} from "@kith/protocol"
import { startTestServer, type TestServer } from "../../packages/server/src/testing/testServer"
import { call } from "../../packages/server/src/testing/httpClient"
import {
  newKeyPair,
  newUser,
  randomBytes,
  registerAccount,
  setDeliveryToken,
  type TestUser,
} from "../../packages/server/src/testing/identities"
import { bodyOf, TestSocket } from "../../packages/server/src/testing/wsClient"
import { delivery, payload, to } from "../../packages/server/src/testing/deliveries"
import type { ServerConfig } from "../../packages/server/src/config"

/** Abuse by users (T10): mass registration, friend-request spam, mailbox floods, fan-out amplification. */
const servers: TestServer[] = []
async function server(config: Partial<ServerConfig>): Promise<TestServer> {
  const t = await startTestServer(config)
  servers.push(t)
  return t
}
afterEach(async () => {
  for (const t of servers.splice(0)) await t.close()
})

async function connected(t: TestServer, user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(t.url)
  bodyOf(await socket.authenticate(user.token), "ok")
  return socket
}

const errorCode = (frame: ServerFrame) => (frame.body.case === "error" ? frame.body.value.code : "ok")

describe("mass registration", () => {
  it("enforces the configured proof-of-work difficulty, which an operator raises under attack", async () => {
    const t = await server({ powDifficulty: 18 })
    const { challenge, difficulty } = (
      await call<{ challenge: string; difficulty: number }>(t.url, "registrationChallenge")
    ).body
    expect(difficulty).toBe(18)
    const bytes = fromBase64Url(challenge)!
    // A nonce that pays the usual test difficulty but not the raised one.
    let nonce: Uint8Array
    do nonce = randomBytes(16)
    while (!checkProofOfWork(bytes, nonce, 4) || checkProofOfWork(bytes, nonce, 18))
    const keys = newKeyPair()
    const refused = await call(t.url, "registerAccount", {
      body: {
        accountPublicKey: toBase64Url(keys.publicKey),
        challenge,
        nonce: toBase64Url(nonce),
        signature: toBase64Url(signChallenge(SignatureContext.register, bytes, keys.privateKey)),
      },
    })
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe("KITH_ERR_PROOF_OF_WORK")
  })

  it("lets one address register only so many accounts per hour", async () => {
    const t = await server({ abuse: { registrationsPerHourPerAddress: 3, limitLoopback: true } })
    for (let i = 0; i < 3; i++) await registerAccount(t.url)
    await expect(registerAccount(t.url)).rejects.toThrow(/429.*KITH_ERR_RATE_LIMITED/)
    expect(t.logText()).not.toContain("127.0.0.1")
  })
})

describe("friend-request spam", () => {
  async function friendRequest(t: TestServer, from: TestUser, target: TestUser): Promise<string> {
    const socket = await connected(t, from)
    try {
      const frame = await socket.request({
        case: "send",
        value: { deliveries: [delivery(payload(1), [to(target.device)])] as never },
      })
      return errorCode(frame)
    } finally {
      await socket.close()
    }
  }

  it("counts friend requests per network: many accounts behind one address share one budget", async () => {
    const t = await server({ abuse: { friendRequestsPerHourPerAddress: 3, limitLoopback: true } })
    const [a, b, target] = [await newUser(t.url), await newUser(t.url), await newUser(t.url)]
    expect(await friendRequest(t, a, target)).toBe("ok")
    expect(await friendRequest(t, a, target)).toBe("ok")
    expect(await friendRequest(t, b, target)).toBe("ok")
    // b has sent one, far below the per-account limit, but the address has spent its three.
    expect(Limits.unsealedPerHour).toBeGreaterThan(3)
    expect(await friendRequest(t, b, target)).toBe("KITH_ERR_RATE_LIMITED")
  })

  it("holds a server-wide ceiling whatever the addresses", async () => {
    const t = await server({ abuse: { friendRequestsPerHourTotal: 2 } })
    const target = await newUser(t.url)
    const senders = [await newUser(t.url), await newUser(t.url), await newUser(t.url)]
    expect(await friendRequest(t, senders[0]!, target)).toBe("ok")
    expect(await friendRequest(t, senders[1]!, target)).toBe("ok")
    expect(await friendRequest(t, senders[2]!, target)).toBe("KITH_ERR_RATE_LIMITED")
  })
})

describe("mailbox floods", () => {
  it("[D4] refuses at the door once a mailbox is full, keeps every accepted entry, and takes more after acks", async () => {
    const t = await server({ abuse: { maxQueuedPerMailbox: 3 } })
    const sender = await newUser(t.url)
    const bob = await newUser(t.url)
    const token = await setDeliveryToken(t.url, bob)
    const socket = await connected(t, sender)
    const send = async (n: number) =>
      socket.request({
        case: "send",
        value: { deliveries: [delivery(payload(n), [to(bob.device, token)])] as never },
      })
    for (let n = 1; n <= 3; n++) expect(errorCode(await send(n))).toBe("ok")
    const full = await send(4)
    expect(errorCode(full)).toBe("KITH_ERR_MAILBOX_FULL")
    expect(bodyOf(full, "error").retryAfterMs).toBeGreaterThan(0)

    // Commits get twice the room, so the group can still change — even to remove the device
    // that filled up — but commits to made-up groups cannot flood it either.
    const commit = (n: number) =>
      socket.request({
        case: "submitCommit",
        value: {
          groupId: randomBytes(32),
          epoch: 0n,
          deliveries: [delivery(payload(n), [to(bob.device, token)])] as never,
        },
      })
    for (const n of [97, 98, 99]) expect(errorCode(await commit(n))).toBe("ok")
    expect(errorCode(await commit(100))).toBe("KITH_ERR_MAILBOX_FULL")

    const reader = await connected(t, bob)
    await reader.waitForEntries(6)
    const entries = reader.entries()
    expect(entries.map((e) => new TextDecoder().decode(e.payload))).toEqual(
      [1, 2, 3, 97, 98, 99].map((n) => new TextDecoder().decode(payload(n))),
    )
    bodyOf(await reader.request({ case: "ack", value: { seqs: entries.map((e) => e.seq) } }), "ok")
    expect(errorCode(await send(5))).toBe("ok")
    await reader.close()
    await socket.close()
  })
})

describe("a full mailbox in a group", () => {
  it("[D4] skips only the full device: the others receive, the Ok names it, its mailbox is intact, and all-full still refuses", async () => {
    const t = await server({ abuse: { maxQueuedPerMailbox: 2 } })
    const [bob, carol] = [await newUser(t.url), await newUser(t.url)]
    const [bobToken, carolToken] = [await setDeliveryToken(t.url, bob), await setDeliveryToken(t.url, carol)]
    // Group messages are sealed and go over the anonymous socket, as a client sends them.
    const socket = await TestSocket.connect(t.url)
    const send = (n: number, recipients: ReturnType<typeof to>[]) =>
      socket.request({ case: "send", value: { deliveries: [delivery(payload(n), recipients)] as never } })
    const toBob = to(bob.device, bobToken)
    const toCarol = to(carol.device, carolToken)
    for (const n of [1, 2]) expect(errorCode(await send(n, [toCarol]))).toBe("ok")

    const group = await send(3, [toBob, toCarol])
    expect(errorCode(group)).toBe("ok")
    expect(bodyOf(group, "ok").skippedDeviceIds).toEqual([carol.device.deviceIdBytes])
    expect(bodyOf(group, "ok").unknownDeviceIds).toEqual([])

    // Bob's mailbox fills too: with every recipient full the Send is refused whole, stored for no one.
    expect(errorCode(await send(4, [toBob]))).toBe("ok")
    const allFull = await send(5, [toBob, toCarol])
    expect(errorCode(allFull)).toBe("KITH_ERR_MAILBOX_FULL")
    expect(bodyOf(allFull, "error").retryAfterMs).toBeGreaterThan(0)

    const text = (ns: number[]) => ns.map((n) => new TextDecoder().decode(payload(n)))
    const received = async (user: TestUser, count: number) => {
      const reader = await connected(t, user)
      await reader.waitForEntries(count)
      const got = reader.entries().map((e) => new TextDecoder().decode(e.payload))
      await reader.close()
      return got
    }
    expect(await received(bob, 2)).toEqual(text([3, 4]))
    expect(await received(carol, 2)).toEqual(text([1, 2]))
    await socket.close()
  })
})

describe("fan-out amplification", () => {
  it("refuses a commit that reaches more devices than a group may have, and stores nothing", async () => {
    const t = await server({})
    const sender = await newUser(t.url)
    const socket = await connected(t, sender)
    const recipients = Array.from({ length: Limits.maxGroupDevices + 1 }, () => ({
      deviceId: randomBytes(ID_BYTES),
      deliveryToken: randomBytes(32),
    }))
    const half = Math.ceil(recipients.length / 2)
    const deliveries = [
      delivery(payload(1), recipients.slice(0, half)),
      delivery(payload(2), recipients.slice(half)),
    ]
    const groupId = randomBytes(32)
    const refused = await socket.request({
      case: "submitCommit",
      value: { groupId, epoch: 0n, deliveries: deliveries as never },
    })
    expect(errorCode(refused)).toBe("KITH_ERR_GROUP_TOO_LARGE")
    expect(await t.rows("SELECT * FROM groups")).toEqual([])

    // At the limit the same commit is taken (its recipients are unknown devices, reported back).
    const within = [delivery(payload(3), recipients.slice(0, Limits.maxGroupDevices))]
    const taken = await socket.request({
      case: "submitCommit",
      value: { groupId, epoch: 0n, deliveries: within as never },
    })
    expect(errorCode(taken)).toBe("ok")
    await socket.close()
  })
})
