import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { encodeClientFrame, Limits, WS_PATH } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { request } from "../testing/httpClient"
import { newUser, openSession, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { MAX_BAD_FRAMES } from "./connection"

let t: TestServer
let alice: TestUser
beforeAll(async () => {
  t = await startTestServer()
  alice = await newUser(t.url)
})
afterAll(() => t.close())

describe("[W1] requests and replies", () => {
  it("answers Ping with Pong carrying the same request id", async () => {
    const socket = await TestSocket.connect(t.url)
    const reply = await socket.request({ case: "ping", value: {} })
    expect(reply.body.case).toBe("pong")
    expect(reply.requestId).toBe(1)
    await socket.close()
  })
})

describe("[W2] bad frames", () => {
  it("answers undecodable bytes with KITH_ERR_BAD_FRAME and stays open", async () => {
    const socket = await TestSocket.connect(t.url)
    socket.sendRaw(new Uint8Array([0xff, 0xff, 0xff]))
    const error = bodyOf(await socket.nextUnmatched(), "error")
    expect(error.code).toBe("KITH_ERR_BAD_FRAME")
    expect((await socket.request({ case: "ping", value: {} })).body.case).toBe("pong")
    await socket.close()
  })

  it("names the request id of a frame that decodes but breaks a rule", async () => {
    const socket = await TestSocket.connect(t.url)
    // An Ack with no sequence numbers is invalid, but its request id is readable.
    socket.sendRaw(encodeClientFrame({ requestId: 77, body: { case: "ack", value: { seqs: [] } } } as never))
    const reply = await socket.nextUnmatched()
    expect(reply.requestId).toBe(77)
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_BAD_FRAME")
    await socket.close()
  })

  it("answers a payload over the limit with KITH_ERR_TOO_LARGE", async () => {
    const socket = await TestSocket.connect(t.url)
    const reply = await socket.request({
      case: "send",
      value: {
        deliveries: [
          {
            payload: new Uint8Array(Limits.maxPayloadBytes + 1),
            recipients: [{ deviceId: alice.device.deviceIdBytes, deliveryToken: new Uint8Array() }],
          } as never,
        ],
      },
    })
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_TOO_LARGE")
    await socket.close()
  })

  it("refuses text messages with KITH_ERR_BAD_FRAME", async () => {
    const socket = await TestSocket.connect(t.url)
    socket.sendRaw("hello")
    expect(bodyOf(await socket.nextUnmatched(), "error").code).toBe("KITH_ERR_BAD_FRAME")
    await socket.close()
  })

  it(`closes the connection after ${MAX_BAD_FRAMES} bad frames`, async () => {
    const socket = await TestSocket.connect(t.url)
    for (let i = 0; i < MAX_BAD_FRAMES; i++) socket.sendRaw(new Uint8Array([0x08]))
    expect((await socket.closed).code).toBe(1008)
  })

  it("closes a connection that sends a frame over 2 MiB (1009)", async () => {
    const socket = await TestSocket.connect(t.url)
    socket.sendRaw(new Uint8Array(Limits.maxFrameBytes + 1))
    expect((await socket.closed).code).toBe(1009)
  })
})

describe("the endpoint", () => {
  it("answers a plain GET without an upgrade with KITH_ERR_BAD_REQUEST", async () => {
    const res = await request(t.url, "GET", WS_PATH)
    expect(res.status).toBe(400)
    expect(res.body.code).toBe("KITH_ERR_BAD_REQUEST")
  })
})

describe("shutdown", () => {
  it("closes open connections with 1001 (going away) and finishes", async () => {
    const other = await startTestServer()
    const user = await newUser(other.url)
    const socket = await TestSocket.connect(other.url)
    await socket.authenticate(user.token)
    await other.close()
    expect((await socket.closed).code).toBe(1001)
  })
})

describe("[W3] authentication", () => {
  it("refuses an unknown token with KITH_ERR_UNAUTHENTICATED and stays open", async () => {
    const socket = await TestSocket.connect(t.url)
    expect(bodyOf(await socket.authenticate("no-such-session-token"), "error").code).toBe(
      "KITH_ERR_UNAUTHENTICATED",
    )
    expect(socket.isOpen()).toBe(true)
    await socket.close()
  })

  it("binds the connection to the device, once", async () => {
    const socket = await TestSocket.connect(t.url)
    expect((await socket.authenticate(alice.token)).body.case).toBe("ok")
    await socket.waitFor(() => socket.caughtUp(), "CaughtUp")
    expect(bodyOf(await socket.authenticate(alice.token), "error").code).toBe("KITH_ERR_BAD_REQUEST")
    await socket.close()
  })

  it("replaces a device's older connection with a newer one", async () => {
    const first = await TestSocket.connect(t.url)
    await first.authenticate(alice.token)
    const second = await TestSocket.connect(t.url)
    await second.authenticate(await openSession(t.url, alice.device))
    expect((await first.closed).code).toBe(4001)
    expect(second.isOpen()).toBe(true)
    await second.close()
  })

  it("finishes Authenticate before starting the frames pipelined after it", async () => {
    const socket = await TestSocket.connect(t.url)
    const [auth, ack, ping] = await Promise.all([
      socket.authenticate(await openSession(t.url, alice.device)),
      socket.request({ case: "ack", value: { seqs: [1n] } }),
      socket.request({ case: "ping", value: {} }),
    ])
    expect([auth.body.case, ack.body.case, ping.body.case]).toEqual(["ok", "ok", "pong"])
    await socket.close()
  })

  it("refuses Ack on an unauthenticated connection", async () => {
    const socket = await TestSocket.connect(t.url)
    const reply = await socket.request({ case: "ack", value: { seqs: [1n] } })
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_UNAUTHENTICATED")
    await socket.close()
  })
})
