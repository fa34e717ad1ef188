import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ErrorCode, Limits, toBase64Url } from "@kith/protocol"
import { startTestServer, storageEngines, type TestServer } from "../../testing/testServer"
import { call } from "../../testing/httpClient"
import { newUser, randomBytes, type TestUser } from "../../testing/identities"

describe.each(storageEngines)("sealed ratchet trees (%s)", (storage) => {
  let t: TestServer
  let alice: TestUser
  let now = Date.now()
  beforeAll(async () => {
    t = await startTestServer({ now: () => now }, { storage })
    alice = await newUser(t.url)
  })
  afterAll(() => t.close())

  const put = (treeId: string, ciphertext: string) =>
    call(t.url, "putRatchetTree", { token: alice.token, params: { treeId }, body: { ciphertext } })
  const get = (treeId: string) => call(t.url, "getRatchetTree", { params: { treeId } })

  it("stores the bytes once and returns them to whoever names the id, without a session", async () => {
    const treeId = toBase64Url(randomBytes(16))
    const ciphertext = toBase64Url(randomBytes(5000))
    expect((await put(treeId, ciphertext)).status).toBe(204)
    const read = await get(treeId)
    expect(read.status).toBe(200)
    expect(read.body).toEqual({ ciphertext })
    // The first write wins: nobody who learns the id can replace the tree.
    const again = await put(treeId, toBase64Url(randomBytes(5000)))
    expect(again.status).toBe(409)
    expect(again.body.code).toBe(ErrorCode.Conflict)
    expect((await get(treeId)).body).toEqual({ ciphertext })
  })

  it("accepts a tree larger than other requests may be, up to its own limit", async () => {
    const big = randomBytes(Limits.maxHttpBodyBytes * 2)
    const treeId = toBase64Url(randomBytes(16))
    expect((await put(treeId, toBase64Url(big))).status).toBe(204)
    expect((await get(treeId)).body).toEqual({ ciphertext: toBase64Url(big) })
  })

  it("refuses a tree over the limit, a malformed id, and answers an unknown id with not found", async () => {
    const tooBig = await put(
      toBase64Url(randomBytes(16)),
      toBase64Url(randomBytes(Limits.maxRatchetTreeBytes + 3)),
    )
    expect([400, 413]).toContain(tooBig.status)
    expect((await put("short", toBase64Url(randomBytes(10)))).status).toBe(400)
    const unknown = await get(toBase64Url(randomBytes(16)))
    expect(unknown.status).toBe(404)
    expect(unknown.body.code).toBe(ErrorCode.NotFound)
  })

  it("forgets a tree once it expires, and keeps the ciphertext only as the bytes it was given", async () => {
    const treeId = toBase64Url(randomBytes(16))
    const bytes = randomBytes(200)
    await put(treeId, toBase64Url(bytes))
    const [row] = await t.rows<{ ciphertext: Uint8Array }>(
      "select ciphertext from ratchet_trees where id = ?",
      treeId,
    )
    expect(new Uint8Array(row!.ciphertext)).toEqual(bytes)
    now += Limits.mailboxRetentionMs + 1
    expect((await get(treeId)).status).toBe(404)
    // The next upload removes expired rows (a new session: the old one expired with the clock too).
    alice = await newUser(t.url)
    expect((await put(toBase64Url(randomBytes(16)), toBase64Url(randomBytes(10)))).status).toBe(204)
    expect(await t.rows("select id from ratchet_trees where id = ?", treeId)).toEqual([])
  })
})
