import { describe, expect, it } from "vitest"
import { Batch } from "./batch"
import { decodeRecord } from "./records"

describe("Batch patches", () => {
  it("apply each change to the latest value, so concurrent steps lose nothing", () => {
    let stored: { devices: string[] } | undefined = { devices: ["a"] }
    const read = () => stored && structuredClone(stored)
    const keep = (value: { devices: string[] }) => (stored = value)
    const add = (device: string) => (c: { devices: string[] } | undefined) => ({
      devices: [...(c?.devices ?? []), device],
    })
    // Two steps build their batches from the same starting value…
    const first = new Batch()
    first.patch("contact/x", read, add("b"), keep)
    const second = new Batch()
    second.patch("contact/x", read, add("c"), keep)
    expect(second.peek("contact/x", read)).toEqual({ devices: ["a", "c"] })
    // …and are applied one after the other: the second sees the first's result.
    for (const batch of [first, second]) {
      batch.resolvePatches()
      for (const effect of batch.effects) effect()
    }
    expect(stored).toEqual({ devices: ["a", "b", "c"] })
  })

  it("write nothing for a change that returns undefined, and chain changes within one batch", () => {
    const batch = new Batch()
    const read = () => ({ n: 1 })
    batch.patch<{ n: number }>(
      "meta",
      read,
      (c) => ({ n: c!.n + 1 }),
      () => {},
    )
    batch.patch<{ n: number }>(
      "meta",
      read,
      (c) => ({ n: c!.n * 10 }),
      () => {},
    )
    batch.patch<{ n: number }>(
      "other",
      read,
      () => undefined,
      () => {},
    )
    const ops = batch.resolvePatches()
    expect(ops.map((o) => o.key)).toEqual(["meta", "meta"])
    const last = ops.at(-1)!
    expect(last.kind === "put" && decodeRecord(last.value)).toEqual({ n: 20 })
  })
})
