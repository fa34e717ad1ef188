import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { WalSync } from "./walSync"

const dir = mkdtempSync(join(tmpdir(), "kith-wal-sync-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("WalSync", () => {
  it("answers every caller, a caller during a round only after the round that follows it", async () => {
    const file = join(dir, "log")
    writeFileSync(file, "frames")
    const sync = new WalSync(file)
    const order: string[] = []
    const first = sync.sync().then(() => order.push("first"))
    // Made while the first round runs: it may not ride on it, since its commit could be later.
    const second = sync.sync().then(() => order.push("second"))
    const third = sync.sync().then(() => order.push("third"))
    await Promise.all([first, second, third])
    expect(order).toEqual(["first", "second", "third"])
    sync.close()
  })

  it("passes a failed sync on to its callers instead of telling them their writes are on disk", async () => {
    const sync = new WalSync(join(dir, "missing-log"))
    await expect(sync.sync()).rejects.toMatchObject({ code: "ENOENT" })
    sync.close()
  })
})
