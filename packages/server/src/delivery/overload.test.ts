import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../testing/testServer"
import { newUser, setDeliveryToken, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"
import { MAX_IN_FLIGHT_ENTRIES } from "../ws/mailboxPump"

const decoder = new TextDecoder()
let t: TestServer
let bob: TestUser & { deliveryToken: Uint8Array }
beforeAll(async () => {
  // A tiny write queue, so a burst from a few sockets is enough to fill it.
  t = await startTestServer({ maxPendingWrites: 4 })
  const user = await newUser(t.url)
  bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
})
afterAll(() => t.close())

const send = (socket: TestSocket, n: number) =>
  socket.request({
    case: "send",
    value: { deliveries: [delivery(payload(n), [to(bob.device, bob.deliveryToken)])] as never },
  })

describe("load shedding when the write queue is full", () => {
  it("refuses what does not fit with KITH_ERR_OVERLOADED and a retry hint, stores none of it, and takes it when sent again", async () => {
    const senders = await Promise.all(Array.from({ length: 8 }, () => TestSocket.connect(t.url)))
    const perSender = 40
    const outcomes = await Promise.all(
      senders.flatMap((socket, s) =>
        Array.from({ length: perSender }, async (_, k) => {
          const n = s * perSender + k
          return { n, socket, reply: await send(socket, n) }
        }),
      ),
    )
    const accepted = outcomes.filter((o) => o.reply.body.case === "ok")
    const refused = outcomes.filter((o) => o.reply.body.case !== "ok")
    console.log(`burst of ${outcomes.length}: ${accepted.length} accepted, ${refused.length} refused`)
    expect(refused.length).toBeGreaterThan(0)
    for (const { reply } of refused) {
      const error = bodyOf(reply, "error")
      expect(error.code).toBe("KITH_ERR_OVERLOADED")
      expect(error.retryAfterMs).toBeGreaterThan(0)
    }
    // Only what was accepted is stored: a refused send left nothing behind.
    const stored = () =>
      t.query("select seq from mailbox_entries where device_id = ?", bob.device.deviceId).length
    expect(stored()).toBe(accepted.length)

    // The refused ones, each sent again after the hint it got (until accepted), all go through.
    await Promise.all(
      refused.map(async ({ n, socket, reply }) => {
        for (let last = reply; last.body.case === "error"; last = await send(socket, n)) {
          expect(last.body.value.code).toBe("KITH_ERR_OVERLOADED")
          await new Promise((r) => setTimeout(r, bodyOf(last, "error").retryAfterMs))
        }
      }),
    )
    expect(stored()).toBe(outcomes.length)

    // Bob gets every message exactly once.
    const reader = await TestSocket.connect(t.url)
    await reader.authenticate(bob.token)
    // The server pushes at most MAX_IN_FLIGHT_ENTRIES unacknowledged: acknowledge as they come.
    for (let acked = 0; acked < outcomes.length;) {
      await reader.waitForEntries(Math.min(outcomes.length, acked + MAX_IN_FLIGHT_ENTRIES))
      const seqs = reader
        .entries()
        .slice(acked)
        .map((e) => e.seq)
      await reader.request({ case: "ack", value: { seqs } })
      acked += seqs.length
    }
    const received = reader.entries().map((e) => decoder.decode(e.payload))
    expect(new Set(received).size).toBe(outcomes.length)
    for (const { n } of outcomes) expect(received).toContain(decoder.decode(payload(n)))
    await Promise.all([...senders, reader].map((s) => s.close()))
  })
})
