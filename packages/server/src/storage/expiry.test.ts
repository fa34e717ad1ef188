import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Limits, toBase64Url } from "@kith/protocol"
import { startTestServer, storageEngines, type TestServer } from "../testing/testServer"
import { newUser, openSession, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

const DAY = 86_400_000

describe.each(storageEngines)("expiry on %s", (storage) => {
  let now = Date.UTC(2030, 0, 1)
  let t: TestServer
  let bob: TestUser & { deliveryToken: Uint8Array }
  beforeAll(async () => {
    t = await startTestServer({ now: () => now }, { storage })
    const user = await newUser(t.url)
    bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
  })
  afterAll(() => t.close())

  async function send(n: number): Promise<void> {
    const socket = await TestSocket.connect(t.url)
    await socket.request({
      case: "send",
      value: { deliveries: [delivery(payload(n), [to(bob.device, bob.deliveryToken)])] as never },
    })
    await socket.close()
  }

  const count = async (table: string) =>
    Number((await t.rows<{ n: number | string }>(`select count(*) as n from ${table}`))[0]!.n)

  describe("sweeps", () => {
    it("sweeps undelivered entries and their ciphertexts after 30 days, and no sooner", async () => {
      await send(1)
      now += 10 * DAY
      await send(2)
      expect(await count("mailbox_entries")).toBe(2)

      now += Limits.mailboxRetentionMs - 10 * DAY - 1
      expect(await t.server.sweep()).toMatchObject({ mailboxEntries: 0, ciphertexts: 0 })
      expect(await count("mailbox_entries")).toBe(2)

      now += 1
      expect(await t.server.sweep()).toMatchObject({ mailboxEntries: 1, ciphertexts: 1 })
      expect(await count("mailbox_entries")).toBe(1)
      expect(await count("ciphertexts")).toBe(1)

      // An expired entry is not pushed either, even before a sweep removes it.
      now += 10 * DAY
      const socket = await TestSocket.connect(t.url)
      await socket.authenticate(await openSession(t.url, bob.device))
      await socket.waitFor(() => socket.caughtUp(), "CaughtUp")
      expect(socket.entries()).toEqual([])
      await socket.close()
      await t.server.sweep()
      expect(await count("mailbox_entries")).toBe(0)
      expect(await count("ciphertexts")).toBe(0)
    })

    it("forgets a group's epoch once nobody committed for 30 days", async () => {
      const socket = await TestSocket.connect(t.url)
      const idle = randomBytes(16)
      const active = randomBytes(16)
      const commit = (groupId: Uint8Array, epoch: bigint) =>
        socket.request({
          case: "submitCommit",
          value: {
            groupId,
            epoch,
            deliveries: [delivery(payload(9), [to(bob.device, bob.deliveryToken)])] as never,
          },
        })
      await commit(idle, 0n)
      await commit(active, 0n)
      now += 20 * DAY
      await commit(active, 1n)
      now += 10 * DAY
      const result = await t.server.sweep()
      expect(result.groups).toBe(1)
      const groups = (await t.rows<{ group_id: string }>("select group_id from groups")).map(
        (g) => g.group_id,
      )
      expect(groups).toEqual([toBase64Url(active)])
      await socket.close()
    })
  })
})
