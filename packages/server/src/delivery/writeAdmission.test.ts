import { describe, expect, it } from "vitest"
import { KithError } from "@kith/protocol"
import { WriteAdmission } from "./writeAdmission"

/** A write that finishes when the test says so. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, write: () => opened }
}

async function refusal(admission: WriteAdmission, bytes = 1): Promise<KithError> {
  const error = await admission.run(bytes, async () => undefined).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(KithError)
  return error as KithError
}

describe("WriteAdmission", () => {
  it("admits up to its limit, refuses the next with KITH_ERR_OVERLOADED without running it, and admits again once one finishes", async () => {
    const admission = new WriteAdmission(2, 1024)
    const [a, b] = [gate(), gate()]
    const running = [admission.run(1, a.write), admission.run(1, b.write)]
    let ran = false
    const refused = await admission.run(1, async () => void (ran = true)).catch((e: unknown) => e)
    expect((refused as KithError).code).toBe("KITH_ERR_OVERLOADED")
    expect((refused as KithError).retryable).toBe(true)
    expect(ran).toBe(false)
    a.open()
    await running[0]
    expect(admission.inFlight).toBe(1)
    await expect(admission.run(1, async () => "taken")).resolves.toBe("taken")
    b.open()
    await running[1]
    expect(admission.inFlight).toBe(0)
  })

  it("bounds the payload bytes held, but always admits one write however large", async () => {
    const admission = new WriteAdmission(100, 1000)
    const big = gate()
    const first = admission.run(5000, big.write) // alone: admitted
    expect((await refusal(admission, 10)).code).toBe("KITH_ERR_OVERLOADED")
    big.open()
    await first
    const small = gate()
    const second = admission.run(600, small.write)
    expect((await refusal(admission, 600)).code).toBe("KITH_ERR_OVERLOADED")
    await expect(admission.run(300, async () => "fits")).resolves.toBe("fits")
    small.open()
    await second
  })

  it("hints a retry of about how long the admitted writes take to drain, within bounds", async () => {
    let now = 0
    const admission = new WriteAdmission(10, 1 << 20, () => now)
    expect((await refusal(new WriteAdmission(0, 0, () => now))).details.retryAfterMs).toBe(100)
    // Writes finishing 10 ms apart, then ten in progress: about 100 ms to drain.
    for (let i = 0; i < 20; i++) {
      now += 10
      await admission.run(1, async () => undefined)
    }
    const gates = Array.from({ length: 10 }, () => gate())
    const running = gates.map((g) => admission.run(1, g.write))
    const hint = (await refusal(admission)).details.retryAfterMs!
    expect(hint).toBeGreaterThanOrEqual(90)
    expect(hint).toBeLessThanOrEqual(110)
    for (const g of gates) g.open()
    await Promise.all(running)
  })
})
