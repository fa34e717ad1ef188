import { Limits } from "@kith/protocol"
import { Batch } from "./batch"
import type { Engine } from "./engine"
import { generateKeyPackageRecord, keyPackageKey, type KeyPackageRecord } from "./keyPackages"

/**
 * Keeps this device reachable while offline: uploads one-time key packages
 * (and a last-resort one) and tops them up when they run low — checked on
 * connect and after each Welcome, which is when they are used up.
 */
export async function uploadKeyPackages(engine: Engine, count: number, lastResort: boolean): Promise<void> {
  const identity = engine.me()
  const records: KeyPackageRecord[] = []
  for (let i = 0; i < count; i++) records.push(await generateKeyPackageRecord(identity, false))
  const resort = lastResort ? await generateKeyPackageRecord(identity, true) : undefined
  // The private halves are stored before the public halves leave the device.
  const batch = new Batch()
  for (const record of [...records, ...(resort ? [resort] : [])]) batch.put(keyPackageKey(record.ref), record)
  await engine.apply(batch)
  for (let i = 0; i < records.length || (i === 0 && resort); i += Limits.maxKeyPackagesPerUpload) {
    const chunk = records.slice(i, i + Limits.maxKeyPackagesPerUpload).map((r) => r.message)
    await engine.api.call("uploadKeyPackages", {
      body: { keyPackages: chunk, ...(i === 0 && resort ? { lastResort: resort.message } : {}) },
    })
  }
}

const running = new WeakMap<Engine, Promise<void>>()

/** Tops up to the policy's target when the server holds fewer than its low-water mark (one run at a time). */
export function topUpKeyPackages(engine: Engine): Promise<void> {
  const current = running.get(engine)
  if (current) return current
  const run = (async () => {
    const { count, hasLastResort } = await engine.api.call("keyPackageCount")
    const policy = engine.options.keyPackages
    const missing = count < policy.lowWater ? policy.target - count : 0
    if (missing > 0 || !hasLastResort) await uploadKeyPackages(engine, missing, !hasLastResort)
  })().finally(() => running.delete(engine))
  running.set(engine, run)
  return run
}
