/**
 * Benchmark only (built by vite.bench.config.ts, never shipped): writes an
 * engine store prepared in Node (`/bench-seed.json`: the records of a real
 * client with hundreds of conversations and thousands of messages) into this
 * browser's sealed IndexedDB through the app's own storage code, so the app
 * then starts warm on that data exactly as it would on a person's device.
 */
import { fromBase64Url } from "@kith/protocol"
import { createStorage, openDatabase } from "../src/model/engineSession"

async function seed(): Promise<void> {
  const records = (await (await fetch("/bench-seed.json")).json()) as { key: string; value: string }[]
  const storage = await createStorage(openDatabase())
  for (let i = 0; i < records.length; i += 500) {
    await storage.engineStore.batch(
      records
        .slice(i, i + 500)
        .map((r) => ({ kind: "put" as const, key: r.key, value: fromBase64Url(r.value)! })),
    )
  }
  storage.db.close()
  document.getElementById("status")!.textContent = `seeded ${records.length}`
  document.title = "seeded"
}

seed().catch((e: unknown) => {
  document.getElementById("status")!.textContent = `failed: ${String(e)}`
  document.title = "failed"
})
