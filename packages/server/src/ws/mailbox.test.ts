import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { request } from "../testing/httpClient"
import { newDeviceOf, newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"
import { MAX_IN_FLIGHT_ENTRIES } from "./mailboxPump"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

/** A user whose friends know its delivery token. */
async function friend(): Promise<TestUser & { deliveryToken: Uint8Array }> {
  const user = await newUser(t.url)
  return { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
}

async function online(user: TestUser): Promise<TestSocket> {
  const socket = await TestSocket.connect(t.url)
  expect((await socket.authenticate(user.token)).body.case).toBe("ok")
  return socket
}

const rowsOf = (deviceId: string) =>
  t.query<{ seq: number; ciphertext_id: string }>(
    "select seq, ciphertext_id from mailbox_entries where device_id = ? order by seq",
    deviceId,
  )

describe("[W5] [D1] send, push, acknowledge", () => {
  it("pushes a sealed delivery to the recipient, and deletes entry and ciphertext once acknowledged", async () => {
    const bob = await friend()
    const bobSocket = await online(bob)
    await bobSocket.waitFor(() => bobSocket.caughtUp(), "CaughtUp")

    const sender = await TestSocket.connect(t.url) // unauthenticated: sealed sender
    const ok = await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(1), [to(bob.device, bob.deliveryToken)])] as never },
    })
    expect(bodyOf(ok, "ok").unknownDeviceIds).toEqual([])

    await bobSocket.waitForEntries(1)
    const [entry] = bobSocket.entries()
    expect(entry!.payload).toEqual(payload(1))
    expect(entry!.seq).toBe(1n)
    const [row] = rowsOf(bob.device.deviceId)
    expect(t.query("select id from ciphertexts where id = ?", row!.ciphertext_id)).toHaveLength(1)

    const acked = await bobSocket.request({ case: "ack", value: { seqs: [entry!.seq] } })
    expect(acked.body.case).toBe("ok")
    expect(rowsOf(bob.device.deviceId)).toEqual([])
    expect(t.query("select id from ciphertexts where id = ?", row!.ciphertext_id)).toEqual([])
    await Promise.all([bobSocket.close(), sender.close()])
  })

  it("stores a payload once for many recipients and deletes it after the last acknowledgement", async () => {
    const bob = await friend()
    const bob2 = await newDeviceOf(t.url, bob.account)
    const carol = await friend()
    const sender = await TestSocket.connect(t.url)
    await sender.request({
      case: "send",
      value: {
        deliveries: [
          delivery(payload(2), [
            to(bob.device, bob.deliveryToken),
            to(bob2.device, bob.deliveryToken),
            to(carol.device, carol.deliveryToken),
          ]),
        ] as never,
      },
    })
    const ids = [bob.device, bob2.device, carol.device].map((d) => rowsOf(d.deviceId)[0]!.ciphertext_id)
    expect(new Set(ids).size).toBe(1)
    expect(t.query<{ refs: number }>("select refs from ciphertexts where id = ?", ids[0])).toEqual([
      { refs: 3 },
    ])

    for (const user of [bob, { ...bob2 }, carol]) {
      const socket = await online(user)
      await socket.waitForEntries(1)
      await socket.request({ case: "ack", value: { seqs: [socket.entries()[0]!.seq] } })
      await socket.close()
    }
    expect(t.query("select id from ciphertexts where id = ?", ids[0])).toEqual([])
    await sender.close()
  })

  it("ignores acknowledgements of sequence numbers of other mailboxes", async () => {
    const bob = await friend()
    const mallory = await friend()
    const sender = await TestSocket.connect(t.url)
    await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(3), [to(bob.device, bob.deliveryToken)])] as never },
    })
    const mallorySocket = await online(mallory)
    await mallorySocket.request({ case: "ack", value: { seqs: [1n, 2n, 3n] } })
    expect(rowsOf(bob.device.deviceId)).toHaveLength(1)
    await Promise.all([sender.close(), mallorySocket.close()])
  })

  it("[W4] pushes unacknowledged entries again on the next connection, in order, then CaughtUp", async () => {
    const bob = await friend()
    const sender = await TestSocket.connect(t.url)
    for (let i = 0; i < 3; i++) {
      await sender.request({
        case: "send",
        value: { deliveries: [delivery(payload(10 + i), [to(bob.device, bob.deliveryToken)])] as never },
      })
    }
    const first = await online(bob)
    await first.waitFor(() => first.caughtUp(), "CaughtUp")
    expect(first.entries().map((e) => e.seq)).toEqual([1n, 2n, 3n])
    await first.request({ case: "ack", value: { seqs: [2n] } })
    await first.close()

    const second = await online(bob)
    await second.waitFor(() => second.caughtUp(), "CaughtUp")
    expect(second.pushes.map((f) => f.body.case)).toEqual(["entry", "entry", "caughtUp"])
    expect(second.entries().map((e) => [e.seq, e.payload])).toEqual([
      [1n, payload(10)],
      [3n, payload(12)],
    ])

    // Live entries follow CaughtUp.
    await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(13), [to(bob.device, bob.deliveryToken)])] as never },
    })
    await second.waitForEntries(3)
    expect(second.pushes.at(-1)!.body.case).toBe("entry")
    expect(second.entries().at(-1)!.seq).toBe(4n)
    await Promise.all([sender.close(), second.close()])
  })

  it(`[W3] keeps at most ${MAX_IN_FLIGHT_ENTRIES} entries in flight and pushes more as acks arrive`, async () => {
    const bob = await friend()
    const sender = await TestSocket.connect(t.url)
    const total = MAX_IN_FLIGHT_ENTRIES + 44
    const perFrame = Limits.maxDeliveriesPerFrame
    for (let i = 0; i < total; i += perFrame) {
      const deliveries = Array.from({ length: Math.min(perFrame, total - i) }, (_, k) =>
        delivery(payload(i + k), [to(bob.device, bob.deliveryToken)]),
      )
      expect(
        (await sender.request({ case: "send", value: { deliveries: deliveries as never } })).body.case,
      ).toBe("ok")
    }
    const socket = await online(bob)
    await socket.waitForEntries(MAX_IN_FLIGHT_ENTRIES)
    // A Ping round trip after the last push: had the server pushed more, it would have arrived first.
    await socket.request({ case: "ping", value: {} })
    expect(socket.entries()).toHaveLength(MAX_IN_FLIGHT_ENTRIES)
    expect(socket.caughtUp()).toBe(false)

    await socket.request({
      case: "ack",
      value: {
        seqs: socket
          .entries()
          .slice(0, 50)
          .map((e) => e.seq),
      },
    })
    await socket.waitFor(() => socket.caughtUp(), "CaughtUp")
    expect(socket.entries().map((e) => Number(e.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    await Promise.all([sender.close(), socket.close()])
  })

  it("accepts Sends pipelined on one connection, each answered and stored once", async () => {
    const bob = await friend()
    const sender = await TestSocket.connect(t.url)
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sender.request({
          case: "send",
          value: { deliveries: [delivery(payload(500 + i), [to(bob.device, bob.deliveryToken)])] as never },
        }),
      ),
    )
    expect(replies.every((r) => r.body.case === "ok")).toBe(true)
    expect(rowsOf(bob.device.deviceId).map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    await sender.close()
  })

  it("lists recipients that are not devices in Ok.unknown_device_ids and stores the rest", async () => {
    const bob = await friend()
    const ghost = randomBytes(16)
    const sender = await TestSocket.connect(t.url)
    const ok = await sender.request({
      case: "send",
      value: {
        deliveries: [
          delivery(payload(4), [
            to(bob.device, bob.deliveryToken),
            { deviceId: ghost, deliveryToken: randomBytes(32) },
          ]),
        ] as never,
      },
    })
    expect(bodyOf(ok, "ok").unknownDeviceIds).toEqual([ghost])
    expect(rowsOf(bob.device.deviceId)).toHaveLength(1)
    await sender.close()
  })
})

describe("[D3] [W6] sealed delivery", () => {
  it("stores rows that carry no sender: no column could hold one, and no value names the sender", async () => {
    const alice = await friend()
    const bob = await friend()
    const aliceSocket = await online(alice) // even sent over the sender's authenticated connection
    await aliceSocket.request({
      case: "send",
      value: { deliveries: [delivery(payload(5), [to(bob.device, bob.deliveryToken)])] as never },
    })
    const entryColumns = t.query<{ name: string }>("select name from pragma_table_info('mailbox_entries')")
    expect(entryColumns.map((c) => c.name).sort()).toEqual([
      "ciphertext_id",
      "device_id",
      "expires_at",
      "seq",
    ])
    const cipherColumns = t.query<{ name: string }>("select name from pragma_table_info('ciphertexts')")
    expect(cipherColumns.map((c) => c.name).sort()).toEqual(["expires_at", "id", "payload", "refs"])
    const entries = t.query<Record<string, unknown>>(
      "select e.*, c.id as cid, c.refs, c.expires_at as cexp from mailbox_entries e join ciphertexts c on c.id = e.ciphertext_id where e.device_id = ?",
      bob.device.deviceId,
    )
    expect(entries).toHaveLength(1)
    const values = JSON.stringify(entries)
    for (const senderId of [alice.account.accountId, alice.device.deviceId])
      expect(values).not.toContain(senderId)
    await aliceSocket.close()
  })

  it("refuses the whole frame when one delivery token is wrong, and stores nothing", async () => {
    const bob = await friend()
    const carol = await friend()
    const sender = await TestSocket.connect(t.url)
    const reply = await sender.request({
      case: "send",
      value: {
        deliveries: [
          delivery(payload(6), [to(bob.device, bob.deliveryToken)]),
          delivery(payload(7), [to(carol.device, bob.deliveryToken)]),
        ] as never,
      },
    })
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_DELIVERY_TOKEN")
    expect(rowsOf(bob.device.deviceId)).toEqual([])
    expect(rowsOf(carol.device.deviceId)).toEqual([])
    await sender.close()
  })

  it("refuses a token for an account that registered no verifier", async () => {
    const dave = await newUser(t.url)
    const sender = await TestSocket.connect(t.url)
    const reply = await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(8), [to(dave.device, randomBytes(32))])] as never },
    })
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_DELIVERY_TOKEN")
    await sender.close()
  })
})

describe("[W7] unsealed delivery (friend requests)", () => {
  it("needs an authenticated connection", async () => {
    const bob = await friend()
    const sender = await TestSocket.connect(t.url)
    const reply = await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(9), [to(bob.device)])] as never },
    })
    expect(bodyOf(reply, "error").code).toBe("KITH_ERR_UNAUTHENTICATED")
    expect(rowsOf(bob.device.deviceId)).toEqual([])
    await sender.close()
  })

  it(`allows ${Limits.unsealedPerHour} per account per hour, then KITH_ERR_RATE_LIMITED with retry_after_ms`, async () => {
    const alice = await friend()
    const strangers = await Promise.all([newUser(t.url), newUser(t.url)])
    const socket = await online(alice)
    let sent = 0
    while (sent < Limits.unsealedPerHour) {
      const n = Math.min(Limits.maxDeliveriesPerFrame, Limits.unsealedPerHour - sent)
      const deliveries = Array.from({ length: n }, (_, i) =>
        delivery(payload(sent + i), [to(strangers[i % 2]!.device)]),
      )
      expect(
        (await socket.request({ case: "send", value: { deliveries: deliveries as never } })).body.case,
      ).toBe("ok")
      sent += n
    }
    const reply = await socket.request({
      case: "send",
      value: { deliveries: [delivery(payload(99), [to(strangers[0]!.device)])] as never },
    })
    const error = bodyOf(reply, "error")
    expect(error.code).toBe("KITH_ERR_RATE_LIMITED")
    expect(error.retryAfterMs).toBeGreaterThan(0)
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_600_000)
    // Sealed deliveries are not limited by it.
    const bob = await friend()
    const sealed = await socket.request({
      case: "send",
      value: { deliveries: [delivery(payload(100), [to(bob.device, bob.deliveryToken)])] as never },
    })
    expect(sealed.body.case).toBe("ok")
    await socket.close()
  })

  it("does not count deliveries to the sender's own devices", async () => {
    const alice = await friend()
    const aliceTablet = await newDeviceOf(t.url, alice.account)
    const socket = await online(alice)
    for (let i = 0; i < Limits.unsealedPerHour + 2; i += Limits.maxDeliveriesPerFrame) {
      const deliveries = Array.from({ length: Limits.maxDeliveriesPerFrame }, (_, k) =>
        delivery(payload(i + k), [to(aliceTablet.device)]),
      )
      expect(
        (await socket.request({ case: "send", value: { deliveries: deliveries as never } })).body.case,
      ).toBe("ok")
    }
    await socket.close()
  })
})

describe("metrics for delivery", () => {
  it("count accepted deliveries and delivered entries without naming anyone", async () => {
    const text = (await request<string>(t.url, "GET", "/metrics")).body
    expect(text).toMatch(/kith_deliveries_accepted_total \d+/)
    expect(text).toMatch(/kith_mailbox_entries_delivered_total [1-9]/)
    expect(text).toMatch(/kith_frames_rejected_total\{code="KITH_ERR_DELIVERY_TOKEN"\} [1-9]/)
  })
})
