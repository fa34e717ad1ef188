import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

let t: TestServer
let bob: TestUser & { deliveryToken: Uint8Array }
beforeAll(async () => {
  t = await startTestServer()
  const user = await newUser(t.url)
  bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
})
afterAll(() => t.close())

const commit = (
  socket: TestSocket,
  groupId: Uint8Array,
  epoch: bigint,
  n: number,
  token = bob.deliveryToken,
) =>
  socket.request({
    case: "submitCommit",
    value: { groupId, epoch, deliveries: [delivery(payload(n), [to(bob.device, token)])] as never },
  })
const epochOf = (groupId: Uint8Array) =>
  t.query<{ epoch: number }>("select epoch from groups where group_id = ?", toBase64Url(groupId))[0]?.epoch
const entriesOf = () =>
  t.query("select seq from mailbox_entries where device_id = ?", bob.device.deviceId).length

describe("[W8] commit ordering", () => {
  it("accepts the first commit for an epoch and refuses a second with the current epoch", async () => {
    const socket = await TestSocket.connect(t.url)
    const groupId = randomBytes(32)
    const before = entriesOf()
    expect((await commit(socket, groupId, 0n, 1)).body.case).toBe("ok")
    expect(epochOf(groupId)).toBe(1)
    expect(entriesOf()).toBe(before + 1)

    const late = bodyOf(await commit(socket, groupId, 0n, 2), "error")
    expect(late.code).toBe("KITH_ERR_EPOCH_CONFLICT")
    expect(late.currentEpoch).toBe(1n)
    expect(entriesOf()).toBe(before + 1)

    expect((await commit(socket, groupId, 1n, 3)).body.case).toBe("ok")
    expect(epochOf(groupId)).toBe(2)
    const ahead = bodyOf(await commit(socket, groupId, 5n, 4), "error")
    expect(ahead.code).toBe("KITH_ERR_EPOCH_CONFLICT")
    expect(ahead.currentEpoch).toBe(2n)
    await socket.close()
  })

  it("starts an unknown group at whatever epoch the first commit names", async () => {
    const socket = await TestSocket.connect(t.url)
    const groupId = randomBytes(16)
    expect((await commit(socket, groupId, 41n, 5)).body.case).toBe("ok")
    expect(epochOf(groupId)).toBe(42)
    await socket.close()
  })

  it("stores nothing and keeps the epoch when a delivery token is wrong", async () => {
    const socket = await TestSocket.connect(t.url)
    const groupId = randomBytes(16)
    const before = entriesOf()
    const reply = bodyOf(await commit(socket, groupId, 0n, 6, randomBytes(32)), "error")
    expect(reply.code).toBe("KITH_ERR_DELIVERY_TOKEN")
    expect(epochOf(groupId)).toBeUndefined()
    expect(entriesOf()).toBe(before)
    await socket.close()
  })

  it("lets exactly one of two racing connections win an epoch", async () => {
    const sockets = await Promise.all([TestSocket.connect(t.url), TestSocket.connect(t.url)])
    for (let round = 0; round < 20; round++) {
      const groupId = randomBytes(16)
      await commit(sockets[0]!, groupId, 0n, 100 + round)
      const before = entriesOf()
      const replies = await Promise.all(sockets.map((s, i) => commit(s, groupId, 1n, 200 + 2 * round + i)))
      const outcomes = replies.map((r) => r.body.case).sort()
      expect(outcomes).toEqual(["error", "ok"])
      const loser = replies.find((r) => r.body.case === "error")!
      expect(bodyOf(loser, "error")).toMatchObject({ code: "KITH_ERR_EPOCH_CONFLICT", currentEpoch: 2n })
      expect(epochOf(groupId)).toBe(2)
      expect(entriesOf()).toBe(before + 1)
    }
    await Promise.all(sockets.map((s) => s.close()))
  })

  it("refuses malformed commits as bad frames", async () => {
    const socket = await TestSocket.connect(t.url)
    const empty = bodyOf(await commit(socket, new Uint8Array(), 0n, 7), "error")
    expect(empty.code).toBe("KITH_ERR_BAD_FRAME")
    const huge = bodyOf(await commit(socket, randomBytes(16), 2n ** 63n, 8), "error")
    expect(huge.code).toBe("KITH_ERR_BAD_FRAME")
    await socket.close()
  })
})
