import { ErrorCode, KithError, toBase64Url } from "@kith/protocol"
import { sha256 } from "@noble/hashes/sha2.js"
import { Batch } from "./batch"
import type { Engine } from "./engine"
import { describe, recordFailure } from "./failures"
import { receiveGroupMessage } from "./groupMessage"
import { decodePayload } from "./mlsGroup"
import { isTransient } from "./treeStorage"
import { receiveWelcome } from "./welcome"

/**
 * The entry point for every mailbox payload. Duplicates (the same payload
 * pushed again after a reconnect, or our own commit's echo) are recognised by
 * digest; everything else is a Welcome or a group message. Whatever happens,
 * the payload ends up processed or recorded as a failure — then it may be
 * acknowledged.
 */
export async function receivePayload(engine: Engine, payload: Uint8Array): Promise<void> {
  const digest = toBase64Url(sha256(payload))
  const seenKey = `seen/${digest}`
  if (await engine.store.get(seenKey)) return
  const message = decodePayload(payload)
  try {
    switch (message?.wireformat) {
      case "mls_private_message":
      case "mls_public_message":
        return await receiveGroupMessage(engine, digest, message)
      case "mls_welcome": {
        const batch = new Batch()
        batch.put(seenKey, engine.clock.now())
        return await receiveWelcome(engine, batch, message.welcome)
      }
      default:
        throw new KithError(ErrorCode.Decrypt, "the payload is not an MLS message Kith sends")
    }
  } catch (e) {
    // A Welcome whose tree could not be fetched yet stays unacknowledged and comes again.
    if (message?.wireformat === "mls_welcome" && isTransient(e)) throw e
    if (await engine.store.get(seenKey)) return
    const batch = new Batch()
    batch.put(seenKey, engine.clock.now())
    recordFailure(engine, batch, undefined, describe(e))
    await engine.apply(batch)
  }
}
