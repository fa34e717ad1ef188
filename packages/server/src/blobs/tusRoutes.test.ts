import { mkdtempSync, readdirSync } from "node:fs"
import { request as httpRequest } from "node:http"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { BLOBS_PATH, ErrorCode, Limits, MAX_BLOB_BYTES, TUS_CONTENT_TYPE, TUS_VERSION } from "@kith/protocol"
import { startTestServer, type TestServer } from "../testing/testServer"
import { newUser, openSession, randomBytes, type TestUser } from "../testing/identities"

const QUOTA = 64 * 1024
let now = Date.UTC(2030, 0, 1)
let t: TestServer
beforeAll(async () => {
  t = await startTestServer({ now: () => now, blobQuotaBytes: QUOTA })
})
afterAll(() => t.close())

async function tus(
  url: string,
  method: string,
  path: string,
  options: { token?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "tus-resumable": TUS_VERSION, ...options.headers }
  if (options.token) headers.authorization = `Bearer ${options.token}`
  if (options.body) headers["content-type"] = TUS_CONTENT_TYPE
  const body = options.body && new Uint8Array(options.body) // a copy that owns a plain ArrayBuffer
  return fetch(url + path, { method, headers, body })
}

async function create(url: string, token: string, length: number): Promise<string> {
  const res = await tus(url, "POST", BLOBS_PATH, { token, headers: { "upload-length": String(length) } })
  expect(res.status).toBe(201)
  return res.headers.get("location")!
}

async function patch(url: string, token: string, location: string, offset: number, body: Uint8Array) {
  return tus(url, "PATCH", location, { token, body, headers: { "upload-offset": String(offset) } })
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code
}

describe("blob uploads (tus)", () => {
  let alice: TestUser
  beforeAll(async () => {
    alice = await newUser(t.url)
  })

  it("creates, accepts bytes in pieces, reports the offset, and serves the blob by id without a session", async () => {
    const bytes = randomBytes(8192)
    const location = await create(t.url, alice.token, 8192)
    expect(location).toMatch(/^\/v1\/blobs\/[A-Za-z0-9_-]{22}$/)
    const first = await patch(t.url, alice.token, location, 0, bytes.slice(0, 3000))
    expect(first.status).toBe(204)
    expect(first.headers.get("upload-offset")).toBe("3000")
    expect(first.headers.get("tus-resumable")).toBe(TUS_VERSION)
    const head = await tus(t.url, "HEAD", location, { token: alice.token })
    expect(head.headers.get("upload-offset")).toBe("3000")
    expect(head.headers.get("upload-length")).toBe("8192")
    expect((await fetch(t.url + location)).status).toBe(404) // not complete yet
    const rest = await patch(t.url, alice.token, location, 3000, bytes.slice(3000))
    expect(rest.headers.get("upload-offset")).toBe("8192")
    const download = await fetch(t.url + location)
    expect(download.status).toBe(200)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes)
  })

  it("answers tus discovery with its version, extensions and maximum size", async () => {
    const res = await fetch(t.url + BLOBS_PATH, { method: "OPTIONS" })
    expect(res.status).toBe(204)
    expect(res.headers.get("tus-version")).toBe(TUS_VERSION)
    expect(res.headers.get("tus-max-size")).toBe(String(MAX_BLOB_BYTES))
  })

  it("refuses uploads without a session, of a length that is not a bucket, too large, or with metadata", async () => {
    const noSession = await tus(t.url, "POST", BLOBS_PATH, { headers: { "upload-length": "4096" } })
    expect(noSession.status).toBe(401)
    const odd = await tus(t.url, "POST", BLOBS_PATH, {
      token: alice.token,
      headers: { "upload-length": "5000" },
    })
    expect(await codeOf(odd)).toBe(ErrorCode.BadRequest)
    const huge = await tus(t.url, "POST", BLOBS_PATH, {
      token: alice.token,
      headers: { "upload-length": String(MAX_BLOB_BYTES * 2) },
    })
    expect(huge.status).toBe(413)
    expect(await codeOf(huge)).toBe(ErrorCode.TooLarge)
    const named = await tus(t.url, "POST", BLOBS_PATH, {
      token: alice.token,
      headers: { "upload-length": "4096", "upload-metadata": "filename cGhvdG8uanBn" },
    })
    expect(named.status).toBe(400)
  })

  it("refuses a wrong offset and bytes past the declared length", async () => {
    const location = await create(t.url, alice.token, 4096)
    expect((await patch(t.url, alice.token, location, 100, randomBytes(10))).status).toBe(409)
    const over = await patch(t.url, alice.token, location, 0, randomBytes(5000))
    expect(over.status).toBe(413)
    const head = await tus(t.url, "HEAD", location, { token: alice.token })
    expect(Number(head.headers.get("upload-offset"))).toBeLessThanOrEqual(4096)
  })

  it("answers unknown, unfinished, foreign and deleted ids alike: 404", async () => {
    const bob = await newUser(t.url)
    const location = await create(t.url, alice.token, 4096)
    await patch(t.url, alice.token, location, 0, randomBytes(4096))
    const unknown = await fetch(`${t.url}${BLOBS_PATH}/${"A".repeat(22)}`)
    const malformed = await fetch(`${t.url}${BLOBS_PATH}/..%2F..%2Fkith.sqlite`)
    const foreignHead = await tus(t.url, "HEAD", location, { token: bob.token })
    const foreignDelete = await tus(t.url, "DELETE", location, { token: bob.token })
    expect([unknown.status, malformed.status, foreignHead.status, foreignDelete.status]).toEqual([
      404, 404, 404, 404,
    ])
    const unknownBody = await unknown.json()
    expect(await malformed.json()).toEqual(unknownBody)
    expect((await tus(t.url, "DELETE", location, { token: alice.token })).status).toBe(204)
    const deleted = await fetch(t.url + location)
    expect(deleted.status).toBe(404)
    expect(await deleted.json()).toEqual(unknownBody)
  })

  it("reserves quota when an upload begins, so parallel uploads cannot overshoot it", async () => {
    const carol = await newUser(t.url)
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () =>
        tus(t.url, "POST", BLOBS_PATH, { token: carol.token, headers: { "upload-length": String(16384) } }),
      ),
    )
    const statuses = attempts.map((r) => r.status).sort()
    expect(statuses).toEqual([201, 201, 201, 201, 413, 413]) // 4 × 16 KiB = the 64 KiB quota
    const refused = attempts.find((r) => r.status === 413)!
    expect(await codeOf(refused)).toBe(ErrorCode.QuotaExceeded)
    const first = attempts.find((r) => r.status === 201)!.headers.get("location")!
    expect((await tus(t.url, "DELETE", first, { token: carol.token })).status).toBe(204)
    await create(t.url, carol.token, 16384) // deleting gave the room back
  })

  it("deletes an account's blobs with the account", async () => {
    const erin = await newUser(t.url)
    const location = await create(t.url, erin.token, 4096)
    await patch(t.url, erin.token, location, 0, randomBytes(4096))
    expect((await fetch(t.url + location)).status).toBe(200)
    const deleted = await fetch(`${t.url}/v1/account`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${erin.token}` },
    })
    expect(deleted.status).toBe(204)
    expect((await fetch(t.url + location)).status).toBe(404)
  })

  it("deletes blobs once their 30 days are over", async () => {
    const dave = await newUser(t.url)
    const location = await create(t.url, dave.token, 4096)
    await patch(t.url, dave.token, location, 0, randomBytes(4096))
    now += Limits.blobRetentionMs - 1000
    await t.server.sweep()
    expect((await fetch(t.url + location)).status).toBe(200)
    now += 1000
    await t.server.sweep()
    expect((await fetch(t.url + location)).status).toBe(404)
    const id = location.split("/").pop()!
    expect(readdirSync(join(t.dataDir, "blobs")).filter((f) => f.startsWith(id))).toEqual([])
  })
})

describe("a server restart in the middle of an upload", () => {
  it("keeps what arrived, even from a dropped request, and the upload resumes there", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "kith-blob-restart-"))
    let server = await startTestServer({ dataDir })
    const user = await newUser(server.url)
    const bytes = randomBytes(262144)
    const location = await create(server.url, user.token, bytes.length)
    expect((await patch(server.url, user.token, location, 0, bytes.slice(0, 100_000))).status).toBe(204)
    // A second request dies half way: the client sends part of its body, then the connection drops.
    await new Promise<void>((resolve) => {
      const req = httpRequest(server.url + location, {
        method: "PATCH",
        headers: {
          "tus-resumable": TUS_VERSION,
          "content-type": TUS_CONTENT_TYPE,
          "upload-offset": "100000",
          "content-length": String(bytes.length - 100_000),
          authorization: `Bearer ${user.token}`,
        },
      })
      req.on("error", () => resolve())
      req.write(bytes.slice(100_000, 150_000), () => setImmediate(() => (req.destroy(), resolve())))
    })
    await server.close()
    server = await startTestServer({ dataDir })
    try {
      const token = await openSession(server.url, user.device) // a restart forgets sessions, never uploads
      const head = await tus(server.url, "HEAD", location, { token })
      const offset = Number(head.headers.get("upload-offset"))
      expect(offset).toBeGreaterThanOrEqual(100_000)
      expect(offset).toBeLessThanOrEqual(150_000)
      expect((await patch(server.url, token, location, offset, bytes.slice(offset))).status).toBe(204)
      expect((await downloadWithoutKeepAlive(server.url + location)).equals(Buffer.from(bytes))).toBe(true)
    } finally {
      await server.close()
    }
  })
})

/**
 * The last request before a close: a kept-alive connection that turns idle
 * just after the server began closing would hold the close for the server's
 * whole keep-alive timeout, so this one asks for its connection to be closed.
 */
function downloadWithoutKeepAlive(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false, headers: { connection: "close" } }, (response) => {
      const parts: Buffer[] = []
      response.on("data", (part: Buffer) => parts.push(part))
      response.on("end", () => resolve(Buffer.concat(parts)))
      response.on("error", reject)
    })
      .on("error", reject)
      .end()
  })
}
