import type { Kysely } from "kysely"
import { Migrator, type Migration } from "kysely/migration"
import { binaryType, type SqlDialectName } from "./columnTypes"

/**
 * The one migration set, for SQLite and PostgreSQL alike: only portable column
 * types (text, integer, bigint and the dialect's binary type) and no
 * engine-specific SQL. docs/data-inventory.md lists every table and column.
 */
export function migrations(dialect: SqlDialectName): Record<string, Migration> {
  const binary = binaryType(dialect)
  return {
    "0001_initial": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("accounts")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("public_key", binary, (c) => c.notNull().unique())
          .addColumn("username_hash", binary, (c) => c.unique())
          .addColumn("profile", binary)
          .addColumn("delivery_verifier", binary)
          .execute()

        await db.schema
          .createTable("devices")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("account_id", "text", (c) => c.notNull())
          .addColumn("public_key", binary, (c) => c.notNull())
          .addColumn("certificate", binary, (c) => c.notNull())
          .addColumn("last_seen_day", "integer", (c) => c.notNull())
          .addColumn("next_seq", "bigint", (c) => c.notNull())
          .execute()
        await db.schema.createIndex("devices_account_id").on("devices").column("account_id").execute()

        await db.schema
          .createTable("key_packages")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("device_id", "text", (c) => c.notNull())
          .addColumn("data", binary, (c) => c.notNull())
          .addColumn("last_resort", "integer", (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex("key_packages_device_id")
          .on("key_packages")
          .columns(["device_id", "last_resort"])
          .execute()

        await db.schema
          .createTable("ciphertexts")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("payload", binary, (c) => c.notNull())
          .addColumn("refs", "integer", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .execute()
        await db.schema.createIndex("ciphertexts_expires_at").on("ciphertexts").column("expires_at").execute()

        await db.schema
          .createTable("mailbox_entries")
          .addColumn("device_id", "text", (c) => c.notNull())
          .addColumn("seq", "bigint", (c) => c.notNull())
          .addColumn("ciphertext_id", "text", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .addPrimaryKeyConstraint("mailbox_entries_pk", ["device_id", "seq"])
          .execute()
        await db.schema
          .createIndex("mailbox_entries_expires_at")
          .on("mailbox_entries")
          .column("expires_at")
          .execute()

        await db.schema
          .createTable("groups")
          .addColumn("group_id", "text", (c) => c.primaryKey())
          .addColumn("epoch", "bigint", (c) => c.notNull())
          .addColumn("last_active_day", "integer", (c) => c.notNull())
          .execute()
        await db.schema.createIndex("groups_last_active_day").on("groups").column("last_active_day").execute()

        await db.schema
          .createTable("server_secrets")
          .addColumn("name", "text", (c) => c.primaryKey())
          .addColumn("value", binary, (c) => c.notNull())
          .execute()
      },
      async down(db: Kysely<unknown>) {
        for (const table of [
          "server_secrets",
          "groups",
          "mailbox_entries",
          "ciphertexts",
          "key_packages",
          "devices",
          "accounts",
        ]) {
          await db.schema.dropTable(table).execute()
        }
      },
    },
    // Reports: the one table with plaintext, chosen by the reporting user; deleted when they expire.
    "0002_reports": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("reports")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("reason", "text", (c) => c.notNull())
          .addColumn("messages", "text", (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .execute()
        await db.schema.createIndex("reports_expires_at").on("reports").column("expires_at").execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("reports").execute()
      },
    },
    // Ratchet trees sealed for a group's joiners (docs/protocol.md, "Ratchet trees").
    "0003_ratchet_trees": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("ratchet_trees")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("ciphertext", binary, (c) => c.notNull())
          .addColumn("expires_at", "bigint", (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex("ratchet_trees_expires_at")
          .on("ratchet_trees")
          .column("expires_at")
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable("ratchet_trees").execute()
      },
    },
  }
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } })
  const { error } = await migrator.migrateToLatest()
  if (error !== undefined) throw error
}
