import { afterAll, beforeAll, describe, expect, it } from "vitest"
import fc from "fast-check"
import WebSocket from "ws"
import { encodeClientFrame, isErrorCode, Limits, WS_PATH, type ClientFrame } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

let t: TestServer
let bob: TestUser & { deliveryToken: Uint8Array }
beforeAll(async () => {
  t = await startTestServer()
  const user = await newUser(t.url)
  bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
})
afterAll(() => t.close())

let cached: Uint8Array[] | undefined

/** Valid frames of every type, as starting points for mutation. */
function templates(): Uint8Array[] {
  if (cached !== undefined) return cached
  const frames: Omit<ClientFrame, "$typeName">[] = [
    { requestId: 1, body: { case: "ping", value: {} } },
    { requestId: 2, body: { case: "authenticate", value: { sessionToken: "not-a-session-token" } } },
    { requestId: 3, body: { case: "ack", value: { seqs: [1n, 2n] } } },
    {
      requestId: 4,
      body: {
        case: "send",
        value: { deliveries: [delivery(payload(1), [to(bob.device, bob.deliveryToken)])] },
      },
    },
    {
      requestId: 5,
      body: {
        case: "send",
        value: { deliveries: [delivery(payload(2), [to(bob.device, randomBytes(32))])] },
      },
    },
    {
      requestId: 6,
      body: {
        case: "submitCommit",
        value: {
          groupId: randomBytes(16),
          epoch: 3n,
          deliveries: [delivery(payload(3), [to(bob.device, bob.deliveryToken)])],
        },
      },
    },
  ] as never
  cached = frames.map((f) => encodeClientFrame(f))
  return cached
}

const mutated = fc
  .tuple(
    fc.constantFrom(...[0, 1, 2, 3, 4, 5]),
    fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom("flip", "set", "cut", "insert")), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([which, edits]) => {
    let bytes = Array.from(templates()[which]!)
    for (const [at, value, kind] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length
      if (kind === "flip") bytes[i] = (bytes[i] ?? 0) ^ (1 << (value % 8))
      else if (kind === "set") bytes[i] = value
      else if (kind === "cut") bytes = bytes.slice(0, i)
      else bytes.splice(i, 0, value)
    }
    return new Uint8Array(bytes)
  })

const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated)

describe("the WebSocket under random and mutated frames", () => {
  it("answers every frame with exactly one typed error or valid reply, and keeps serving", async () => {
    let socket = await TestSocket.connect(t.url)
    let sentOnSocket = 0
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        // Stay below the bad-frame limit: a fresh connection every 15 frames.
        if (sentOnSocket === 15) {
          await socket.close()
          socket = await TestSocket.connect(t.url)
          sentOnSocket = 0
        }
        sentOnSocket++
        socket.sendRaw(bytes)
        const reply = await socket.nextUnmatched()
        switch (reply.body.case) {
          case "error":
            expect(isErrorCode(reply.body.value.code)).toBe(true)
            break
          case "ok":
          case "pong":
            break
          default:
            throw new Error(`unexpected reply ${reply.body.case}`)
        }
        // Frames are answered in order: the next reply must be this Ping's, so there was exactly one.
        const marker = 60_000 + sentOnSocket
        socket.sendRaw(encodeClientFrame({ requestId: marker, body: { case: "ping", value: {} } } as never))
        const pong = await socket.nextUnmatched()
        expect([pong.requestId, pong.body.case]).toEqual([marker, "pong"])
        expect(socket.isOpen()).toBe(true)
      }),
      { numRuns: 300 },
    )
    await socket.close()

    // A normal client still works: authenticate, receive, acknowledge.
    const reader = await TestSocket.connect(t.url)
    expect((await reader.authenticate(bob.token)).body.case).toBe("ok")
    await reader.waitFor(() => reader.caughtUp(), "CaughtUp")
    const sender = await TestSocket.connect(t.url)
    const ok = await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(42), [to(bob.device, bob.deliveryToken)])] as never },
    })
    expect(ok.body.case).toBe("ok")
    await reader.waitFor(
      () => reader.entries().some((e) => Buffer.from(e.payload).equals(Buffer.from(payload(42)))),
      "the new entry",
    )
    const seqs = reader.entries().map((e) => e.seq)
    expect((await reader.request({ case: "ack", value: { seqs } })).body.case).toBe("ok")
    await Promise.all([reader.close(), sender.close()])
  })
})

describe("the WebSocket under hostile frames", () => {
  it("does not negotiate permessage-deflate, so no frame is ever inflated", async () => {
    const ws = new WebSocket(t.url.replace(/^http/, "ws") + WS_PATH, { perMessageDeflate: true })
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject))
    expect(ws.extensions).toBe("")
    ws.close()
  })

  it("closes a connection that sends a frame over the size limit (1009), before reading it whole", async () => {
    const socket = await TestSocket.connect(t.url)
    socket.sendRaw(new Uint8Array(Limits.maxFrameBytes + 1))
    expect((await socket.closed).code).toBe(1009)
  })

  it("answers length fields claiming gigabytes and pathological nesting with KITH_ERR_BAD_FRAME", async () => {
    const socket = await TestSocket.connect(t.url)
    const nested: number[] = []
    for (let i = 0; i < 100_000; i++) nested.push(0x12, 0x00)
    const hostile = [
      // Field 2 (a length-delimited body) claiming 4 GiB, followed by three bytes.
      new Uint8Array([0x08, 0x01, 0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]),
      // A deep pile of protobuf start-group tags.
      new Uint8Array(200_000).fill(0x0b),
      new Uint8Array(nested),
    ]
    for (const bytes of hostile) {
      socket.sendRaw(bytes)
      const reply = await socket.nextUnmatched()
      expect(reply.body.case).toBe("error")
      expect(reply.body.case === "error" && reply.body.value.code).toBe("KITH_ERR_BAD_FRAME")
    }
    expect((await socket.request({ case: "ping", value: {} })).body.case).toBe("pong")
    await socket.close()
  })

  it("serves a normal client afterwards", async () => {
    const reader = await TestSocket.connect(t.url)
    expect((await reader.authenticate(bob.token)).body.case).toBe("ok")
    await reader.close()
  })
})
