import { createWriteStream } from "node:fs"
import { once } from "node:events"
import { fileSource } from "../../node/fileSource"
import { newUser } from "../../node/testHarness"

/**
 * One client in a process of its own (so its memory is its own): registers,
 * sends a file to its own devices' conversation, downloads it again to
 * `outPath`, and prints what it measured as one JSON line.
 *   usage: roundTripProcess.node.ts <serverUrl> <dir> <inPath> <outPath>
 */
const [serverUrl, dir, inPath, outPath] = process.argv.slice(2) as [string, string, string, string]
const client = await newUser({ url: serverUrl, dir, restart: async () => {}, close: async () => {} }, "Big")
const self = (await client.conversations()).find((c) => c.kind === "self")!
global.gc?.()
const rssBefore = process.memoryUsage().rss
const peakBefore = process.resourceUsage().maxRSS * 1024
const source = await fileSource(inPath)
const uploadStart = performance.now()
const message = await client.sendAttachment(self.id, { kind: "file", source, fileName: "big.bin" })
const uploadMs = performance.now() - uploadStart
await source.close()
const out = createWriteStream(outPath)
const downloadStart = performance.now()
for await (const part of client.downloadAttachment(message.attachment!)) {
  if (!out.write(part)) await once(out, "drain")
}
out.end()
await once(out, "finish")
const downloadMs = performance.now() - downloadStart
const peakAfter = process.resourceUsage().maxRSS * 1024
await client.close()
console.log(JSON.stringify({ rssBefore, peakBefore, peakAfter, uploadMs, downloadMs }))
