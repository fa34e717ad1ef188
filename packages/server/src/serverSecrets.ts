import type { SecretStore } from "./storage/store"
import { randomBytesArray } from "./ids"

/** Keys the server makes for itself on first start and keeps in the database (server_secrets). */
export interface ServerSecrets {
  /** HMAC key for username hashes: losing it would orphan every claimed username. */
  usernameKey: Uint8Array
  /** HMAC key that makes registration challenges unforgeable without server state. */
  registrationChallengeKey: Uint8Array
}

export async function loadServerSecrets(store: SecretStore): Promise<ServerSecrets> {
  return {
    usernameKey: await store.getOrCreate("username-hmac-key", () => randomBytesArray(32)),
    registrationChallengeKey: await store.getOrCreate("registration-challenge-key", () =>
      randomBytesArray(32),
    ),
  }
}
