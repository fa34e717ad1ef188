/** The SQL engines the one migration set is written for. */
export type SqlDialectName = "sqlite" | "postgres"

/** Binary columns: SQLite calls them `blob`, PostgreSQL `bytea`. */
export function binaryType(dialect: SqlDialectName): "blob" | "bytea" {
  return dialect === "postgres" ? "bytea" : "blob"
}

/**
 * Drivers hand back bytes as Buffer (better-sqlite3, pg); the rest of the
 * server speaks plain Uint8Array, and a copy keeps no driver memory alive.
 */
export function toBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value)
}

/** PostgreSQL drivers return bigint columns as strings; SQLite as numbers. */
export function toNumber(value: number | string | bigint): number {
  return typeof value === "number" ? value : Number(value)
}
