import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { KeyPackageStore } from "../store"
import { toBytes } from "../columnTypes"
import { chunks } from "../chunks"
import { newId } from "../../ids"
import type { EngineTraits } from "./engineTraits"

export class KyselyKeyPackageStore implements KeyPackageStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly traits: EngineTraits,
  ) {}

  async upload(
    deviceId: string,
    oneTime: Uint8Array[],
    lastResort: Uint8Array | undefined,
    maxOneTime: number,
  ): Promise<"ok" | "tooMany"> {
    return this.db.transaction().execute(async (trx) => {
      const held = await countOneTime(trx, deviceId)
      if (held + oneTime.length > maxOneTime) return "tooMany"
      for (const chunk of chunks(oneTime, 100)) {
        await trx
          .insertInto("key_packages")
          .values(chunk.map((data) => ({ id: newId(), device_id: deviceId, data, last_resort: 0 })))
          .execute()
      }
      if (lastResort !== undefined) {
        await trx
          .deleteFrom("key_packages")
          .where("device_id", "=", deviceId)
          .where("last_resort", "=", 1)
          .execute()
        await trx
          .insertInto("key_packages")
          .values({ id: newId(), device_id: deviceId, data: lastResort, last_resort: 1 })
          .execute()
      }
      return "ok"
    })
  }

  async count(deviceId: string): Promise<{ count: number; hasLastResort: boolean }> {
    const count = await countOneTime(this.db, deviceId)
    const lastResort = await this.db
      .selectFrom("key_packages")
      .select("id")
      .where("device_id", "=", deviceId)
      .where("last_resort", "=", 1)
      .executeTakeFirst()
    return { count, hasLastResort: lastResort !== undefined }
  }

  async claim(deviceIds: string[]): Promise<{ deviceId: string; keyPackage: Uint8Array }[]> {
    return this.db.transaction().execute(async (trx) => {
      const claimed: { deviceId: string; keyPackage: Uint8Array }[] = []
      for (const deviceId of deviceIds) {
        const pick = trx
          .selectFrom("key_packages")
          .select("id")
          .where("device_id", "=", deviceId)
          .where("last_resort", "=", 0)
          .limit(1)
        // Two claims racing on other nodes each take a different package instead of
        // the loser finding its pick gone and falling back to the last-resort one.
        const oneTime = await trx
          .deleteFrom("key_packages")
          .where("id", "=", this.traits.skipLocked ? pick.forUpdate().skipLocked() : pick)
          .returning("data")
          .executeTakeFirst()
        if (oneTime !== undefined) {
          claimed.push({ deviceId, keyPackage: toBytes(oneTime.data) })
          continue
        }
        const lastResort = await trx
          .selectFrom("key_packages")
          .select("data")
          .where("device_id", "=", deviceId)
          .where("last_resort", "=", 1)
          .executeTakeFirst()
        if (lastResort !== undefined) claimed.push({ deviceId, keyPackage: toBytes(lastResort.data) })
      }
      return claimed
    })
  }
}

async function countOneTime(db: Kysely<Database>, deviceId: string): Promise<number> {
  const row = await db
    .selectFrom("key_packages")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("device_id", "=", deviceId)
    .where("last_resort", "=", 0)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
