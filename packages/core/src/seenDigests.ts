import { Limits } from "@kith/protocol"
import type { Engine } from "./engine"
import { decodeRecord } from "./records"

/**
 * The digests of processed payloads ([E3]) are needed only as long as the
 * server could push the same payload again: at most its retention time.
 * Older ones are deleted when the client connects.
 */
export async function pruneSeenDigests(engine: Engine): Promise<void> {
  const cutoff = engine.clock.now() - 2 * Limits.mailboxRetentionMs
  const old = (await engine.store.list("seen/")).filter((e) => decodeRecord<number>(e.value) < cutoff)
  if (old.length > 0) await engine.store.batch(old.map((e) => ({ kind: "delete" as const, key: e.key })))
}
