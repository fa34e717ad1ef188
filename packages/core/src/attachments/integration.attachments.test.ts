import { createServer, connect, type Server, type Socket } from "node:net"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { ErrorCode, isBlobBucket, KithError, MAX_ATTACHMENT_BYTES, utf8 } from "@kith/protocol"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { KithClient } from "../client"
import { befriend, newUser, nextEvent, startTestServer, type TestServer } from "../node/testHarness"
import type { MessageView } from "../views"
import { bytesSource } from "./blobCipher"

let server: TestServer
let alice: KithClient
let bob: KithClient
let carol: KithClient
let aliceBob: string
let aliceCarol: string

beforeAll(async () => {
  server = await startTestServer()
  alice = await newUser(server, "Alice")
  bob = await newUser(server, "Bob")
  carol = await newUser(server, "Carol")
  aliceBob = await befriend(alice, bob)
  aliceCarol = await befriend(alice, carol)
})

afterAll(async () => {
  await Promise.all([alice, bob, carol].map((c) => c.close()))
  await server.close()
})

const blobDir = () => join(server.dir, "server", "blobs")
const blobFiles = () => readdirSync(blobDir()).filter((f) => f.endsWith(".data"))

function random(length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let at = 0; at < length; at += 65536)
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65536)))
  return out
}

async function download(client: KithClient, message: MessageView): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of client.downloadAttachment(message.attachment!)) parts.push(part)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

async function received(client: KithClient, conversationId: string, send: () => Promise<MessageView>) {
  const arrived = nextEvent(client, "message", (e) => e.conversationId === conversationId)
  const sent = await send()
  const event = await arrived
  expect(event.message.id).toBe(sent.id)
  return { sent, got: event.message }
}

describe("attachments end to end", () => {
  it.each([0, 1, 1024 * 1024])("sends a %i-byte file that the other side downloads intact", async (size) => {
    const bytes = random(size)
    const progress: number[] = []
    const { sent, got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(
        aliceBob,
        { kind: "file", source: bytesSource(bytes), fileName: "report.pdf", contentType: "application/pdf" },
        { onProgress: (sentBytes) => progress.push(sentBytes) },
      ),
    )
    expect(sent.kind).toBe("attachment")
    expect(got.attachment).toMatchObject({
      kind: "file",
      size,
      fileName: "report.pdf",
      contentType: "application/pdf",
    })
    expect(progress.at(-1)).toBeGreaterThan(size) // the padded length
    expect(Buffer.from(await download(bob, got)).equals(Buffer.from(bytes))).toBe(true)
  })

  it("keeps no name, type or plaintext at the server; blob lengths are buckets", async () => {
    const marker = utf8.encode("kith-plaintext-marker-".repeat(200))
    await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, {
        kind: "file",
        source: bytesSource(marker),
        fileName: "secret-name.txt",
        contentType: "text/x-secret",
      }),
    )
    for (const name of readdirSync(blobDir())) {
      const text = readFileSync(join(blobDir(), name)).toString("latin1")
      expect(text).not.toContain("kith-plaintext-marker")
      expect(text).not.toContain("secret-name")
      expect(text).not.toContain("text/x-secret")
    }
    for (const file of blobFiles()) {
      const { length } = readFileSync(join(blobDir(), file))
      expect(isBlobBucket(length)).toBe(true)
    }
  })

  it("carries photo and voice details; voice messages are unplayed until played", async () => {
    const { got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, {
        kind: "voice",
        source: bytesSource(random(5000)),
        contentType: "audio/webm",
        durationMs: 4200,
        waveform: [0, 80, 255, 300, -5],
      }),
    )
    expect(got.attachment).toMatchObject({ kind: "voice", durationMs: 4200, waveform: [0, 80, 255, 255, 0] })
    expect(got.attachment!.played).toBe(false)
    await bob.markPlayed(aliceBob, got.id)
    const stored = (await bob.messages(aliceBob)).find((m) => m.id === got.id)!
    expect(stored.attachment!.played).toBe(true)
    const photo = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, {
        kind: "photo",
        source: bytesSource(random(3000)),
        width: 640,
        height: 480,
        thumbnail: random(500),
        blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        caption: "the view",
      }),
    )
    expect(photo.got.body).toBe("the view")
    expect(photo.got.attachment).toMatchObject({ kind: "photo", width: 640, height: 480 })
    expect(photo.got.attachment!.thumbnail).toBeDefined()
  })

  it("forwards to another chat without uploading again", async () => {
    const bytes = random(10_000)
    const { got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, { kind: "file", source: bytesSource(bytes), fileName: "a.bin" }),
    )
    const before = blobFiles().length
    const forwarded = await received(carol, aliceCarol, () =>
      alice.forwardAttachment(aliceBob, got.id, aliceCarol),
    )
    expect(blobFiles().length).toBe(before)
    expect(forwarded.got.attachment!.blobId).toBe(got.attachment!.blobId)
    expect(Buffer.from(await download(carol, forwarded.got)).equals(Buffer.from(bytes))).toBe(true)
  })

  it("shows 'could not decrypt' for a tampered blob or a wrong key, never broken bytes", async () => {
    const { got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, { kind: "file", source: bytesSource(random(100_000)) }),
    )
    const wrongKey = {
      ...got.attachment!,
      key: got.attachment!.key.replace(/^./, (c) => (c === "A" ? "B" : "A")),
    }
    await expect(download(bob, { ...got, attachment: wrongKey })).rejects.toMatchObject({
      code: ErrorCode.Decrypt,
    })
    const path = join(blobDir(), `${got.attachment!.blobId}.data`)
    const bytes = readFileSync(path)
    bytes[70_000]! ^= 0x40
    writeFileSync(path, bytes)
    const error = await download(bob, got).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KithError)
    expect((error as KithError).code).toBe(ErrorCode.Decrypt)
    expect((error as KithError).message).toMatch(/could not decrypt/)
  })

  it("refuses a file over the limit before reading it, and 404s an unknown blob", async () => {
    const huge = { size: MAX_ATTACHMENT_BYTES + 1, read: () => Promise.reject(new Error("must not be read")) }
    await expect(alice.sendAttachment(aliceBob, { kind: "file", source: huge })).rejects.toMatchObject({
      code: ErrorCode.TooLarge,
    })
    const { got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, { kind: "file", source: bytesSource(random(10)) }),
    )
    const unknown = { ...got.attachment!, blobId: "A".repeat(22) }
    await expect(download(bob, { ...got, attachment: unknown })).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    })
  })

  it("deletes the blob when the sender recalls the message", async () => {
    const { got } = await received(bob, aliceBob, () =>
      alice.sendAttachment(aliceBob, { kind: "file", source: bytesSource(random(10)) }),
    )
    const recalled = nextEvent(bob, "recalled", (e) => e.messageId === got.id)
    await alice.recall(aliceBob, got.id)
    await recalled
    expect(blobFiles()).not.toContain(`${got.attachment!.blobId}.data`)
    expect((await bob.messages(aliceBob)).find((m) => m.id === got.id)!.attachment).toBeUndefined()
  })
})

describe("pausing an upload", () => {
  it("stops when its signal aborts and continues later from what the server holds", async () => {
    const { uploadBlob } = await import("./tusUpload")
    const { downloadBlob } = await import("./download")
    const { systemClock } = await import("../runtime")
    const token = await (
      alice as unknown as { engine: { session: { current(r: boolean): Promise<string> } } }
    ).engine.session.current(false)
    const endpoint = { baseUrl: server.url, token: async () => token, clock: systemClock, random }
    const bytes = random(2 * 1024 * 1024)
    const key = random(32)
    const pause = new AbortController()
    let blobId = ""
    const paused = await uploadBlob(endpoint, bytesSource(bytes), key, {
      requestBytes: 256 * 1024,
      signal: pause.signal,
      onProgress: (sent) => {
        if (sent >= 512 * 1024) pause.abort()
      },
    }).catch((e: unknown) => e)
    expect(paused).toBeInstanceOf(KithError)
    const location = readdirSync(blobDir()).find((f) => f.endsWith(".data") && !known.has(f))!
    blobId = location.slice(0, -".data".length)
    const heldBytes = readFileSync(join(blobDir(), location)).length
    expect(heldBytes).toBeGreaterThanOrEqual(512 * 1024)
    expect(heldBytes).toBeLessThan(bytes.length)
    const sentAfterResume: number[] = []
    const resumed = await uploadBlob(endpoint, bytesSource(bytes), key, {
      resumeBlobId: blobId,
      onProgress: (sent) => sentAfterResume.push(sent),
    })
    expect(resumed.blobId).toBe(blobId)
    expect(sentAfterResume[0]).toBe(heldBytes) // it did not start again
    const parts: Uint8Array[] = []
    for await (const p of downloadBlob(server.url, {
      blobId,
      key,
      size: bytes.length,
      digest: resumed.digest,
    }))
      parts.push(p)
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true)
  })
  const known = new Set<string>()
  beforeAll(() => {
    for (const f of readdirSync(blobDir())) known.add(f)
  })
})

describe("a dropped connection during an upload", () => {
  let proxy: Server
  let proxyUrl: string
  let cutAfter = Infinity
  const open = new Set<Socket>()
  beforeAll(async () => {
    // A real TCP hop between client and server that can cut a connection after some bytes.
    const target = new URL(server.url)
    proxy = createServer((client: Socket) => {
      open.add(client)
      client.on("close", () => open.delete(client))
      const upstream = connect(Number(target.port), target.hostname)
      let forwarded = 0
      client.on("data", (data: Buffer) => {
        forwarded += data.length
        if (forwarded > cutAfter) {
          cutAfter = Infinity // once
          client.destroy()
          upstream.destroy()
          return
        }
        upstream.write(data)
      })
      upstream.pipe(client)
      client.on("error", () => upstream.destroy())
      upstream.on("error", () => client.destroy())
      client.on("close", () => upstream.end())
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    const address = proxy.address() as { port: number }
    proxyUrl = `http://127.0.0.1:${address.port}`
  })
  afterAll(async () => {
    for (const socket of open) socket.destroy() // idle keep-alive connections would hold the proxy open
    await new Promise<void>((resolve) => proxy.close(() => resolve()))
  })

  it("asks the server where it stopped and finishes the upload", async () => {
    const { uploadBlob } = await import("./tusUpload")
    const { downloadBlob } = await import("./download")
    const { systemClock } = await import("../runtime")
    const bytes = random(3 * 1024 * 1024)
    const key = random(32)
    // A token of Alice's own session, through the proxy: the upload code is what the engine runs.
    const token = await (
      alice as unknown as { engine: { session: { current(r: boolean): Promise<string> } } }
    ).engine.session.current(false)
    const endpoint = {
      baseUrl: proxyUrl,
      token: async () => token,
      clock: systemClock,
      random: (n: number) => random(n),
    }
    cutAfter = 1_500_000
    const offsets: number[] = []
    const uploaded = await uploadBlob(endpoint, bytesSource(bytes), key, {
      requestBytes: 1024 * 1024,
      onProgress: (sent) => offsets.push(sent),
    })
    expect(cutAfter).toBe(Infinity) // the cut happened
    const parts: Uint8Array[] = []
    for await (const p of downloadBlob(server.url, {
      blobId: uploaded.blobId,
      key,
      size: bytes.length,
      digest: uploaded.digest,
    }))
      parts.push(p)
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true)
  })
})
