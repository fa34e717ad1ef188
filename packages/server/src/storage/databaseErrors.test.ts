import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, storageEngines, type TestServer } from "../testing/testServer"
import { call } from "../testing/httpClient"
import { newUser, randomBytes, setDeliveryToken, type TestUser } from "../testing/identities"
import { bodyOf, TestSocket } from "../testing/wsClient"
import { delivery, payload, to } from "../testing/deliveries"
import { DATABASE_FILE } from "./sqlite"

/** How each engine reports a missing table, as the log may show it (type and code, no message). */
const missingTable = {
  sqlite: { type: "SqliteError", code: "SQLITE_ERROR" },
  postgres: { type: "error", code: "42P01" },
}

describe.each(storageEngines)("database errors on %s", (storage) => {
  let t: TestServer
  let bob: TestUser & { deliveryToken: Uint8Array }
  let sqlite: BetterSqlite3.Database | undefined
  /** A second, writable connection: the way an operator (or a broken disk) can pull the floor away. */
  const admin = { exec: async (sql: string) => void (sqlite ? sqlite.exec(sql) : await t.rows(sql)) }
  beforeAll(async () => {
    t = await startTestServer({}, { storage })
    const user = await newUser(t.url)
    bob = { ...user, deliveryToken: await setDeliveryToken(t.url, user) }
    if (storage === "sqlite") sqlite = new BetterSqlite3(join(t.dataDir, DATABASE_FILE))
  })
  afterAll(async () => {
    sqlite?.close()
    await t.close()
  })

  it("become KITH_ERR_INTERNAL for that request only; the server keeps serving", async () => {
    await admin.exec("alter table groups rename to groups_away")
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
      await admin.exec("alter table groups_away rename to groups")
    }

    await admin.exec("alter table accounts rename to accounts_away")
    try {
      const res = await call(t.url, "getProfile", {
        token: bob.token,
        params: { accountId: bob.account.accountId },
      })
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ code: "KITH_ERR_INTERNAL", message: "internal error" })
    } finally {
      await admin.exec("alter table accounts_away rename to accounts")
    }
    expect((await call(t.url, "keyPackageCount", { token: bob.token })).status).toBe(200)

    const failures = t.logLines.filter((l) => l.level === 50)
    expect(failures.length).toBeGreaterThanOrEqual(2)
    // Logged by type and stack only: the driver's message (which may quote values) stays out.
    for (const failure of failures) {
      expect(failure.err).toMatchObject(missingTable[storage])
      expect(JSON.stringify(failure.err)).not.toMatch(
        /no such table|does not exist|groups_away|accounts_away/,
      )
    }
  })
})
