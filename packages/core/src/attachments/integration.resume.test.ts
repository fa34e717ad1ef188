import { readdirSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { KithClient } from "../client"
import { befriend, newUser, nextEvent, startTestServer, type TestServer } from "../node/testHarness"
import { bytesSource } from "./blobCipher"
import type { UploadResume } from "./sendAttachment"

let server: TestServer
let alice: KithClient
let bob: KithClient
let chat: string

beforeAll(async () => {
  server = await startTestServer()
  alice = await newUser(server, "Alice")
  bob = await newUser(server, "Bob")
  chat = await befriend(alice, bob)
})

afterAll(async () => {
  await Promise.all([alice, bob].map((c) => c.close()))
  await server.close()
})

const blobCount = () =>
  readdirSync(join(server.dir, "server", "blobs")).filter((f) => f.endsWith(".data")).length

describe("pausing and resuming an attachment through the client", () => {
  it("continues from the server's offset under the same key, into one blob, and arrives intact", async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024)
    for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
    const before = blobCount()
    const pause = new AbortController()
    let resume: UploadResume | undefined
    const paused = await alice
      .sendAttachment(
        chat,
        { kind: "file", source: bytesSource(bytes), fileName: "big.bin" },
        {
          requestBytes: 256 * 1024,
          signal: pause.signal,
          onResumable: (r) => (resume = r),
          onProgress: (sent) => {
            if (sent >= 512 * 1024) pause.abort()
          },
        },
      )
      .catch((e: unknown) => e)
    expect(paused).toBeInstanceOf(Error)
    expect(resume).toBeDefined()

    const progress: number[] = []
    const arrived = nextEvent(bob, "message", (e) => e.conversationId === chat)
    const sent = await alice.sendAttachment(
      chat,
      { kind: "file", source: bytesSource(bytes), fileName: "big.bin" },
      { resume, onProgress: (n) => progress.push(n) },
    )
    expect(sent.attachment!.blobId).toBe(resume!.blobId)
    expect(progress[0]).toBeGreaterThanOrEqual(512 * 1024) // it did not start again
    expect(blobCount()).toBe(before + 1)

    const got = (await arrived).message
    const parts: Uint8Array[] = []
    for await (const part of bob.downloadAttachment(got.attachment!)) parts.push(part)
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true)
  })

  it("an abandoned upload leaves nothing at the server", async () => {
    const before = blobCount()
    const pause = new AbortController()
    let resume: UploadResume | undefined
    await alice
      .sendAttachment(
        chat,
        { kind: "file", source: bytesSource(new Uint8Array(2 * 1024 * 1024)) },
        {
          requestBytes: 256 * 1024,
          signal: pause.signal,
          onResumable: (r) => (resume = r),
          onProgress: (sent) => {
            if (sent > 0) pause.abort()
          },
        },
      )
      .catch(() => undefined)
    expect(blobCount()).toBe(before + 1)
    await alice.abandonUpload(resume!)
    expect(blobCount()).toBe(before)
  })

  it("refuses a resume token whose key is not 32 bytes", async () => {
    await expect(
      alice.sendAttachment(
        chat,
        { kind: "file", source: bytesSource(new Uint8Array(10)) },
        { resume: { blobId: "A".repeat(22), key: "AAAA" } },
      ),
    ).rejects.toMatchObject({ code: "KITH_ERR_BAD_REQUEST" })
  })
})
