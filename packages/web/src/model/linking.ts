import { KithClient } from "@kith/core"
import type { SealedStore } from "../storage/sealedStore"

/** This browser becomes a new device of an account, with the one-time code shown on one of its devices. */
export async function linkNewDevice(
  serverUrl: string,
  store: SealedStore,
  code: string,
): Promise<KithClient> {
  return KithClient.linkDevice({ serverUrl, store, code: code.trim() })
}
