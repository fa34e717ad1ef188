import { readFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newUser, type TestUser } from "../../testing/identities"

let t: TestServer
let alice: TestUser
let bob: TestUser
beforeAll(async () => {
  t = await startTestServer()
  alice = await newUser(t.url)
  bob = await newUser(t.url)
})
afterAll(() => t.close())

const claim = (user: TestUser, username: unknown) =>
  call(t.url, "claimUsername", { token: user.token, body: { username } })
const lookup = (user: TestUser, username: string) =>
  call(t.url, "lookupUsername", { token: user.token, params: { username } })

describe("[H4] usernames", () => {
  it("lets an account claim a name that others then find", async () => {
    expect((await claim(alice, "alice.w")).status).toBe(204)
    const res = await lookup(bob, "alice.w")
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ accountId: alice.account.accountId })
  })

  it("stores only a keyed hash: the name appears nowhere in the database", async () => {
    await claim(alice, "zebra_crossing")
    const [row] = t.query<{ username_hash: Buffer }>(
      "select username_hash from accounts where id = ?",
      alice.account.accountId,
    )
    expect(row!.username_hash).toHaveLength(32)
    for (const file of ["kith.sqlite", "kith.sqlite-wal"]) {
      let bytes: Buffer
      try {
        bytes = readFileSync(join(t.dataDir, file))
      } catch {
        continue
      }
      expect(bytes.includes(Buffer.from("zebra_crossing"))).toBe(false)
    }
  })

  it("normalises lookups with NFKC and lower case", async () => {
    await claim(alice, "mixed.case")
    expect((await lookup(bob, "MIXED.Case")).body).toEqual({ accountId: alice.account.accountId })
    // Fullwidth letters fold to ASCII under NFKC.
    expect((await lookup(bob, "ｍｉｘｅｄ.case")).body).toEqual({ accountId: alice.account.accountId })
  })

  it("re-claiming replaces the caller's old name", async () => {
    await claim(alice, "first_name")
    await claim(alice, "second_name")
    expect((await lookup(bob, "first_name")).body.code).toBe("KITH_ERR_NOT_FOUND")
    expect((await lookup(bob, "second_name")).body).toEqual({ accountId: alice.account.accountId })
    expect((await claim(alice, "second_name")).status).toBe(204)
  })

  it("refuses a name another account holds with KITH_ERR_USERNAME_TAKEN", async () => {
    await claim(alice, "popular")
    const res = await claim(bob, "popular")
    expect(res.status).toBe(409)
    expect(res.body.code).toBe("KITH_ERR_USERNAME_TAKEN")
  })

  it("releases a name", async () => {
    await claim(alice, "temporary")
    expect((await call(t.url, "releaseUsername", { token: alice.token })).status).toBe(204)
    expect((await lookup(bob, "temporary")).status).toBe(404)
    expect((await claim(bob, "temporary")).status).toBe(204)
  })

  it.each([["ab"], ["has space"], ["Upper"], ["x".repeat(33)], ["émile"]])(
    "refuses %j with KITH_ERR_BAD_USERNAME",
    async (name) => {
      const res = await claim(alice, name)
      expect(res.status).toBe(400)
      expect(res.body.code).toBe("KITH_ERR_BAD_USERNAME")
    },
  )

  it("refuses malformed requests with KITH_ERR_BAD_REQUEST and anonymous ones with 401", async () => {
    expect((await claim(alice, 42)).body.code).toBe("KITH_ERR_BAD_USERNAME")
    const extra = await call(t.url, "claimUsername", {
      token: alice.token,
      body: { username: "okname", more: 1 },
    })
    expect(extra.body.code).toBe("KITH_ERR_BAD_REQUEST")
    const empty = await call(t.url, "claimUsername", { token: alice.token })
    expect(empty.body.code).toBe("KITH_ERR_BAD_REQUEST")
    expect((await call(t.url, "claimUsername", { body: { username: "okname" } })).status).toBe(401)
    expect((await call(t.url, "releaseUsername", {})).status).toBe(401)
    expect((await call(t.url, "lookupUsername", { params: { username: "okname" } })).status).toBe(401)
    expect((await lookup(bob, "no")).body.code).toBe("KITH_ERR_BAD_USERNAME")
  })
})
