import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { DeviceRecord, DeviceStore, NewDevice } from "../store"
import { toBytes } from "../columnTypes"
import { deleteDeviceRows } from "./deviceRows"
import type { EngineTraits } from "./engineTraits"

export class KyselyDeviceStore implements DeviceStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: EngineTraits,
  ) {}

  async add(device: NewDevice, maxPerAccount: number): Promise<"created" | "duplicateId" | "tooMany"> {
    return this.db.transaction().execute(async (trx) => {
      // Two nodes adding devices to one account at once must not both pass the count.
      if (this.traits.skipLocked) {
        await trx.selectFrom("accounts").select("id").where("id", "=", device.accountId).forUpdate().execute()
      }
      const existing = await trx
        .selectFrom("devices")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("account_id", "=", device.accountId)
        .executeTakeFirstOrThrow()
      if (Number(existing.n) >= maxPerAccount) return "tooMany"
      const result = await trx
        .insertInto("devices")
        .values({
          id: device.id,
          account_id: device.accountId,
          public_key: device.publicKey,
          certificate: device.certificate,
          last_seen_day: device.lastSeenDay,
          next_seq: 1,
        })
        .onConflict((oc) => oc.column("id").doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows) === 1 ? "created" : "duplicateId"
    })
  }

  async get(id: string): Promise<DeviceRecord | undefined> {
    const row = await this.db
      .selectFrom("devices")
      .select(["id", "account_id", "public_key", "certificate"])
      .where("id", "=", id)
      .executeTakeFirst()
    return row === undefined ? undefined : toRecord(row)
  }

  async listByAccount(accountId: string): Promise<DeviceRecord[]> {
    const rows = await this.db
      .selectFrom("devices")
      .select(["id", "account_id", "public_key", "certificate"])
      .where("account_id", "=", accountId)
      .orderBy("id")
      .execute()
    return rows.map(toRecord)
  }

  async touchLastSeenDay(id: string, day: number): Promise<void> {
    await this.db
      .updateTable("devices")
      .set({ last_seen_day: day })
      .where("id", "=", id)
      .where("last_seen_day", "<>", day)
      .execute()
  }

  async remove(id: string): Promise<boolean> {
    return this.db
      .transaction()
      .execute(async (trx) => (await deleteDeviceRows(trx, [id], this.traits)) === 1)
  }
}

function toRecord(row: {
  id: string
  account_id: string
  public_key: Uint8Array
  certificate: Uint8Array
}): DeviceRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    publicKey: toBytes(row.public_key),
    certificate: toBytes(row.certificate),
  }
}
