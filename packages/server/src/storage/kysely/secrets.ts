import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { SecretStore } from "../store"
import { toBytes } from "../columnTypes"

export class KyselySecretStore implements SecretStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getOrCreate(name: string, generate: () => Uint8Array): Promise<Uint8Array> {
    // Insert-if-absent then read: two nodes starting at once still agree on one value.
    await this.db
      .insertInto("server_secrets")
      .values({ name, value: generate() })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute()
    const row = await this.db
      .selectFrom("server_secrets")
      .select("value")
      .where("name", "=", name)
      .executeTakeFirstOrThrow()
    return toBytes(row.value)
  }
}
