import { sql, type Kysely } from "kysely"
import type { Database } from "../schema"
import type { Store } from "../store"
import { KyselyAccountStore } from "./accounts"
import { KyselyDeviceStore } from "./devices"
import { KyselyKeyPackageStore } from "./keyPackages"
import { KyselyMailboxStore } from "./mailboxes"
import { KyselySecretStore } from "./secrets"
import { KyselyRatchetTreeStore } from "./ratchetTrees"
import { KyselyReportStore } from "./reports"
import { sweepExpired } from "./expiry"
import { sqliteTraits, type EngineTraits } from "./engineTraits"

/** The Store over any Kysely database that has run the migrations: SQLite, or PostgreSQL with its traits. */
export function createKyselyStore(db: Kysely<Database>, traits: EngineTraits = sqliteTraits): Store {
  return {
    accounts: new KyselyAccountStore(db, traits),
    devices: new KyselyDeviceStore(db, traits),
    keyPackages: new KyselyKeyPackageStore(db, traits),
    mailboxes: new KyselyMailboxStore(db, traits),
    secrets: new KyselySecretStore(db),
    ratchetTrees: new KyselyRatchetTreeStore(db),
    reports: new KyselyReportStore(db),
    sweepExpired: (nowMs) => sweepExpired(db, nowMs),
    ping: async () => {
      await sql`select 1`.execute(db)
    },
    close: async () => {
      await db.destroy()
      await traits.close?.()
    },
  }
}
