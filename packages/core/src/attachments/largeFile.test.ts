import { execFile } from "node:child_process"
import { createHash, randomFillSync } from "node:crypto"
import { createReadStream, openSync, writeSync, closeSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startTestServer, type TestServer } from "../node/testHarness"

const MB = 1024 * 1024
const SIZE = 100 * MB
let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256")
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest("hex")
}

describe("a 100 MB attachment", () => {
  it(
    "round-trips through the server with constant memory in the client process",
    { timeout: 300_000 },
    async () => {
      const inPath = join(server.dir, "big.in")
      const outPath = join(server.dir, "big.out")
      const fd = openSync(inPath, "w")
      for (let at = 0; at < SIZE; at += MB) writeSync(fd, randomFillSync(Buffer.alloc(MB)))
      closeSync(fd)
      const child = fileURLToPath(new URL("./testing/roundTripProcess.node.ts", import.meta.url))
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", child, server.url, server.dir, inPath, outPath],
        { maxBuffer: 1024 * 1024 },
      )
      const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
        rssBefore: number
        peakBefore: number
        peakAfter: number
      }
      expect(await sha256Of(outPath)).toBe(await sha256Of(inPath))
      // A memory property, not a timing one. The process's peak (registration and MLS set it)
      // grows by far less than the file while 100 MB pass through it in both directions
      // (measured: ~43 MB for 20 MB and for 100 MB alike), and stays below the file's size
      // even counted from the resident size just before the transfer (~70 MB, both sizes).
      expect(report.peakAfter - report.peakBefore).toBeLessThan(64 * MB)
      expect(report.peakAfter - report.rssBefore).toBeLessThan(96 * MB)
    },
  )
})
