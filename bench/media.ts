/**
 * Media figures for `npm run bench` (BENCH_ONLY=media for just these):
 * encryption throughput beside Node's native ChaCha20-Poly1305 (OpenSSL) as
 * the baseline; a 100 MB file uploaded and downloaded by a client process of
 * its own against a server process, with both processes' peak memory; and the
 * time from the end of a voice recording to playable on the other side.
 */
import { createCipheriv, randomBytes, randomFillSync } from "node:crypto"
import { closeSync, openSync, writeSync } from "node:fs"
import { join } from "node:path"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesSource } from "../packages/core/src/attachments/blobCipher"
import { sealedChunkAt } from "../packages/core/src/attachments/blobCipher"
import { blobChunkCount } from "@kith/protocol"
import { befriend, newUser, nextEvent } from "../packages/core/src/node/testHarness"
import { portOf, rssKiB, spawnTs, stop, tempDir } from "./lib/processes"

export interface MediaOptions {
  fileMB: number
  voiceRuns: number
}

const MB = 1024 * 1024
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function encryptionFigures(megabytes: number) {
  const plain = randomFillSync(new Uint8Array(megabytes * MB))
  const key = randomBytes(32)
  let start = performance.now()
  const source = bytesSource(plain)
  const hash = sha256.create()
  return (async () => {
    for (let i = 0; i < blobChunkCount(plain.length); i++) hash.update(await sealedChunkAt(source, key, i))
    hash.digest()
    const kithMBps = megabytes / ((performance.now() - start) / 1000)
    start = performance.now()
    for (let at = 0; at < plain.length; at += 65536) {
      const cipher = createCipheriv("chacha20-poly1305", key, randomBytes(12), { authTagLength: 16 })
      cipher.update(plain.subarray(at, at + 65536))
      cipher.final()
    }
    const nativeMBps = megabytes / ((performance.now() - start) / 1000)
    return { megabytes, kithMBps, nativeMBps }
  })()
}

export async function mediaBenchmark(options: MediaOptions) {
  const encryption = await encryptionFigures(Math.min(options.fileMB, 32))
  const data = tempDir("kith-bench-media-")
  const server = spawnTs(
    "packages/server/src/main.ts",
    ["--port", "0", "--host", "127.0.0.1", "--data-dir", join(data.path, "server")],
    { KITH_POW_DIFFICULTY: "1", KITH_LOG_LEVEL: "warn" },
    0,
  )
  let serverPeakKiB = 0
  const sampler = setInterval(() => (serverPeakKiB = Math.max(serverPeakKiB, rssKiB(server.pid!) ?? 0)), 100)
  try {
    const url = `http://127.0.0.1:${await portOf(server)}`
    const harness = { url, dir: data.path, restart: async () => {}, close: async () => {} }
    const inPath = join(data.path, "big.in")
    const fd = openSync(inPath, "w")
    for (let i = 0; i < options.fileMB; i++) writeSync(fd, randomFillSync(Buffer.alloc(MB)))
    closeSync(fd)
    const client = spawnTs(
      "packages/core/src/attachments/testing/roundTripProcess.node.ts",
      [url, data.path, inPath, join(data.path, "big.out")],
      {},
      1,
    )
    let out = ""
    client.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()))
    const code = await new Promise((r) => client.once("exit", r))
    if (code !== 0) throw new Error(`media client failed (${code})`)
    const file = JSON.parse(out.trim().split("\n").pop()!) as {
      rssBefore: number
      peakBefore: number
      peakAfter: number
      uploadMs: number
      downloadMs: number
    }

    // A 30-second voice note at 32 kbit/s: sent the moment recording stops, timed until the
    // other side has downloaded and decrypted all of it.
    const alice = await newUser(harness, "Alice")
    const bob = await newUser(harness, "Bob")
    const chat = await befriend(alice, bob)
    const voiceMs: number[] = []
    for (let i = 0; i < options.voiceRuns; i++) {
      const note = randomFillSync(new Uint8Array(120_000))
      const start = performance.now()
      const arrived = nextEvent(bob, "message", (e) => e.message.kind === "attachment")
      await alice.sendAttachment(chat, { kind: "voice", source: bytesSource(note), durationMs: 30_000 })
      const { message } = await arrived
      for await (const _ of bob.downloadAttachment(message.attachment!)) void _
      voiceMs.push(performance.now() - start)
    }
    await Promise.all([alice.close(), bob.close()])
    return {
      encryption,
      file: {
        megabytes: options.fileMB,
        uploadMBps: options.fileMB / (file.uploadMs / 1000),
        downloadMBps: options.fileMB / (file.downloadMs / 1000),
        clientPeakGrowthMB: (file.peakAfter - file.peakBefore) / MB,
        clientPeakMB: file.peakAfter / MB,
        serverPeakMB: serverPeakKiB / 1024,
      },
      voice: { runs: options.voiceRuns, bytes: 120_000, medianMs: median(voiceMs) },
    }
  } finally {
    clearInterval(sampler)
    await stop(server)
    data.remove()
  }
}

export type MediaReport = Awaited<ReturnType<typeof mediaBenchmark>>

export function renderMediaMarkdown(m: MediaReport): string {
  const f = (n: number) => n.toFixed(1)
  return [
    "## Media",
    "",
    "| What | Kith | Baseline |",
    "| --- | --- | --- |",
    `| Encrypt + hash, ${m.encryption.megabytes} MB (MB/s) | ${f(m.encryption.kithMBps)} | ${f(m.encryption.nativeMBps)} (Node's native ChaCha20-Poly1305, no hash) |`,
    `| ${m.file.megabytes} MB file: encrypt + upload (MB/s) | ${f(m.file.uploadMBps)} | |`,
    `| ${m.file.megabytes} MB file: download + decrypt (MB/s) | ${f(m.file.downloadMBps)} | |`,
    `| Client peak RSS / growth during the round trip (MB) | ${f(m.file.clientPeakMB)} / ${f(m.file.clientPeakGrowthMB)} | |`,
    `| Server peak RSS (MB) | ${f(m.file.serverPeakMB)} | |`,
    `| Voice note (${m.voice.bytes / 1000} KB) end of recording → playable, median of ${m.voice.runs} (ms) | ${f(m.voice.medianMs)} | |`,
    "",
  ].join("\n")
}
