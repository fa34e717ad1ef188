import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { AccountRecord, AccountStore } from "../store"
import { toBytes } from "../columnTypes"
import { deleteDeviceRows } from "./deviceRows"
import type { EngineTraits } from "./engineTraits"

export class KyselyAccountStore implements AccountStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: EngineTraits,
  ) {}

  async create(id: string, publicKey: Uint8Array): Promise<"created" | "duplicateKey"> {
    const result = await this.db
      .insertInto("accounts")
      .values({ id, public_key: publicKey, username_hash: null, profile: null, delivery_verifier: null })
      .onConflict((oc) => oc.column("public_key").doNothing())
      .executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows) === 1 ? "created" : "duplicateKey"
  }

  async get(id: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom("accounts")
      .select(["id", "public_key", "delivery_verifier"])
      .where("id", "=", id)
      .executeTakeFirst()
    if (row === undefined) return undefined
    return {
      id: row.id,
      publicKey: toBytes(row.public_key),
      deliveryVerifier: row.delivery_verifier === null ? null : toBytes(row.delivery_verifier),
    }
  }

  async findByPublicKey(publicKey: Uint8Array): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("accounts")
      .select("id")
      .where("public_key", "=", publicKey)
      .executeTakeFirst()
    return row?.id
  }

  async delete(id: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const devices = await trx.selectFrom("devices").select("id").where("account_id", "=", id).execute()
      const deviceIds = devices.map((d) => d.id)
      await deleteDeviceRows(trx, deviceIds, this.traits)
      await trx.deleteFrom("accounts").where("id", "=", id).execute()
      return deviceIds
    })
  }

  async setUsernameHash(id: string, hash: Uint8Array): Promise<"ok" | "taken"> {
    return this.db.transaction().execute(async (trx) => {
      const holder = await trx
        .selectFrom("accounts")
        .select("id")
        .where("username_hash", "=", hash)
        .executeTakeFirst()
      if (holder !== undefined && holder.id !== id) return "taken"
      await trx.updateTable("accounts").set({ username_hash: hash }).where("id", "=", id).execute()
      return "ok"
    })
  }

  async clearUsernameHash(id: string): Promise<void> {
    await this.db.updateTable("accounts").set({ username_hash: null }).where("id", "=", id).execute()
  }

  async findByUsernameHash(hash: Uint8Array): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("accounts")
      .select("id")
      .where("username_hash", "=", hash)
      .executeTakeFirst()
    return row?.id
  }

  async setProfile(id: string, ciphertext: Uint8Array): Promise<void> {
    await this.db.updateTable("accounts").set({ profile: ciphertext }).where("id", "=", id).execute()
  }

  async getProfile(id: string): Promise<Uint8Array | null | undefined> {
    const row = await this.db.selectFrom("accounts").select("profile").where("id", "=", id).executeTakeFirst()
    if (row === undefined) return undefined
    return row.profile === null ? null : toBytes(row.profile)
  }

  async setDeliveryVerifier(id: string, verifier: Uint8Array): Promise<void> {
    await this.db.updateTable("accounts").set({ delivery_verifier: verifier }).where("id", "=", id).execute()
  }
}
