import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { toBase64Url } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call } from "../testing/httpClient"
import { newDeviceOf, newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { makeKeyPackages } from "../testing/keyPackages"
import { TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"

let t: TestServer
beforeAll(async () => {
  t = await startTestServer()
})
afterAll(() => t.close())

/** An account with all the state the server can hold for it: two devices, name, profile, verifier, key packages, mail. */
async function busyAccount(): Promise<{ main: TestUser; second: TestUser; token: Uint8Array }> {
  const main = await newUser(t.url)
  const second = await newDeviceOf(t.url, main.account)
  const token = await setDeliveryToken(t.url, main)
  await call(t.url, "claimUsername", {
    token: main.token,
    body: { username: `user_${Date.now() % 1e9}_${Math.floor(Math.random() * 1e6)}` },
  })
  await call(t.url, "putProfile", { token: main.token, body: { ciphertext: toBase64Url(randomBytes(64)) } })
  for (const user of [main, second]) {
    await call(t.url, "uploadKeyPackages", {
      token: user.token,
      body: { keyPackages: await makeKeyPackages(user.device, 2) },
    })
  }
  return { main, second, token }
}

/** Every row in every table that mentions any of these values (as text or as the bytes behind base64url). */
function rowsMentioning(values: string[]): { table: string; row: Record<string, unknown> }[] {
  const tables = t
    .query<{ name: string }>(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
    )
    .map((r) => r.name)
  const found: { table: string; row: Record<string, unknown> }[] = []
  for (const table of tables) {
    for (const row of t.query<Record<string, unknown>>(`select * from "${table}"`)) {
      const cells = Object.values(row).map((v) => (Buffer.isBuffer(v) ? toBase64Url(v) : String(v)))
      if (values.some((value) => cells.some((cell) => cell.includes(value)))) found.push({ table, row })
    }
  }
  return found
}

describe("removal leaves nothing behind", () => {
  it("[H7] deleteAccount removes every row of the account, its devices, packages, mail and orphaned ciphertexts", async () => {
    const { main, second, token } = await busyAccount()
    const bystander = await newUser(t.url)
    const bystanderToken = await setDeliveryToken(t.url, bystander)
    const sender = await TestSocket.connect(t.url)
    // One ciphertext only for the account (must go), one shared with a bystander (must stay for them).
    await sender.request({
      case: "send",
      value: {
        deliveries: [delivery(payload(1), [to(main.device, token), to(second.device, token)])] as never,
      },
    })
    await sender.request({
      case: "send",
      value: {
        deliveries: [
          delivery(payload(2), [to(main.device, token), to(bystander.device, bystanderToken)]),
        ] as never,
      },
    })
    const ciphertextsBefore = t.query<{ id: string }>("select id from ciphertexts").length

    const ids = [
      main.account.accountId,
      main.device.deviceId,
      second.device.deviceId,
      toBase64Url(main.account.publicKey),
    ]
    expect(rowsMentioning(ids).length).toBeGreaterThan(0)
    expect((await call(t.url, "deleteAccount", { token: main.token })).status).toBe(204)

    expect(rowsMentioning(ids)).toEqual([])
    const accountId = main.account.accountId
    expect(
      t.query("select * from accounts where id = ? or public_key = ?", accountId, main.account.publicKey),
    ).toEqual([])
    expect(t.query("select * from devices where account_id = ?", accountId)).toEqual([])
    for (const { device } of [main, second]) {
      expect(t.query("select * from key_packages where device_id = ?", device.deviceId)).toEqual([])
      expect(t.query("select * from mailbox_entries where device_id = ?", device.deviceId)).toEqual([])
    }
    expect(t.query<{ id: string }>("select id from ciphertexts").length).toBe(ciphertextsBefore - 1)
    const [shared] = t.query<{ refs: number }>(
      "select c.refs from ciphertexts c join mailbox_entries e on e.ciphertext_id = c.id where e.device_id = ?",
      bystander.device.deviceId,
    )
    expect(shared!.refs).toBe(1)
    await sender.close()
  })

  it("removeDevice removes the device, its key packages, its mailbox and orphaned ciphertexts — and nothing of its siblings", async () => {
    const { main, second, token } = await busyAccount()
    const sender = await TestSocket.connect(t.url)
    await sender.request({
      case: "send",
      value: { deliveries: [delivery(payload(3), [to(second.device, token)])] as never },
    })
    await sender.request({
      case: "send",
      value: {
        deliveries: [delivery(payload(4), [to(main.device, token), to(second.device, token)])] as never,
      },
    })
    expect(
      (await call(t.url, "removeDevice", { token: main.token, params: { deviceId: second.device.deviceId } }))
        .status,
    ).toBe(204)

    expect(rowsMentioning([second.device.deviceId, toBase64Url(second.device.publicKey)])).toEqual([])
    expect(t.query("select * from key_packages where device_id = ?", main.device.deviceId)).toHaveLength(2)
    const mainEntries = t.query<{ ciphertext_id: string }>(
      "select ciphertext_id from mailbox_entries where device_id = ?",
      main.device.deviceId,
    )
    expect(mainEntries).toHaveLength(1)
    expect(
      t.query<{ refs: number }>("select refs from ciphertexts where id = ?", mainEntries[0]!.ciphertext_id),
    ).toEqual([{ refs: 1 }])
    expect(
      t.query(
        "select * from ciphertexts c where not exists (select 1 from mailbox_entries e where e.ciphertext_id = c.id)",
      ),
    ).toEqual([])
    await sender.close()
  })
})
