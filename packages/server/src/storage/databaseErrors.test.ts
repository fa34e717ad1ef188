import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../testing/testServer"
import { call } from "../testing/httpClient"
import { newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"
import { DATABASE_FILE } from "./sqlite"

let t: TestServer
let bob: TestUser & { deliveryToken: Uint8Array }
let admin: BetterSqlite3.Database
beforeAll(async () => {
  t = await startTestServer()
  const user = await newUser(t.url)
  bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
  // A second, writable connection: the way an operator (or a broken disk) can pull the floor away.
  admin = new BetterSqlite3(join(t.dataDir, DATABASE_FILE))
})
afterAll(async () => {
  admin.close()
  await t.close()
})

describe("database errors", () => {
  it("become KITH_ERR_INTERNAL for that request only; the server keeps serving", async () => {
    admin.exec("alter table groups rename to groups_away")
    try {
      const socket = await TestSocket.connect(t.url)
      const reply = await socket.request({
        case: "submitCommit",
        value: {
          groupId: randomBytes(16),
          epoch: 0n,
          deliveries: [delivery(payload(1), [to(bob.device, bob.deliveryToken)])] as never,
        },
      })
      const error = bodyOf(reply, "error")
      expect(error.code).toBe("KITH_ERR_INTERNAL")
      expect(error.message).toBe("internal error")
      // Same connection, other work: still fine.
      const sent = await socket.request({
        case: "send",
        value: { deliveries: [delivery(payload(2), [to(bob.device, bob.deliveryToken)])] as never },
      })
      expect(sent.body.case).toBe("ok")
      await socket.close()
    } finally {
      admin.exec("alter table groups_away rename to groups")
    }

    admin.exec("alter table accounts rename to accounts_away")
    try {
      const res = await call(t.url, "getProfile", {
        token: bob.token,
        params: { accountId: bob.account.accountId },
      })
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ code: "KITH_ERR_INTERNAL", message: "internal error" })
    } finally {
      admin.exec("alter table accounts_away rename to accounts")
    }
    expect((await call(t.url, "keyPackageCount", { token: bob.token })).status).toBe(200)

    const failures = t.logLines.filter((l) => l.level === 50)
    expect(failures.length).toBeGreaterThanOrEqual(2)
    // Logged by type and stack only: the driver's message (which may quote values) stays out.
    for (const failure of failures) {
      expect(failure.err).toMatchObject({ type: "SqliteError", code: "SQLITE_ERROR" })
      expect(JSON.stringify(failure.err)).not.toMatch(/no such table|groups_away|accounts_away/)
    }
  })
})
