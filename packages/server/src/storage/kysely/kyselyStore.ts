import { sql, type Kysely } from "kysely"
import type { Database } from "../schema"
import type { Store } from "../store"
import { KyselyAccountStore } from "./accounts"
import { KyselyDeviceStore } from "./devices"
import { KyselyKeyPackageStore } from "./keyPackages"
import { KyselyMailboxStore } from "./mailboxes"
import { KyselySecretStore } from "./secrets"
import { sweepExpired } from "./expiry"

/** The Store over any Kysely database that has run the migrations (SQLite today, PostgreSQL later). */
export function createKyselyStore(db: Kysely<Database>): Store {
  return {
    accounts: new KyselyAccountStore(db),
    devices: new KyselyDeviceStore(db),
    keyPackages: new KyselyKeyPackageStore(db),
    mailboxes: new KyselyMailboxStore(db),
    secrets: new KyselySecretStore(db),
    sweepExpired: (nowMs) => sweepExpired(db, nowMs),
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
