import type BetterSqlite3 from "better-sqlite3"
import type { SqliteDatabase, SqliteStatement } from "kysely"

/**
 * Kysely's SQLite driver prepares every statement it runs; the server runs
 * the same few dozen statements over and over, so keep the prepared ones
 * (least recently used out first). Safe because the driver runs each
 * statement to completion synchronously before the next one starts; the
 * server never streams results.
 */
export function withStatementCache(db: BetterSqlite3.Database, maxStatements = 256): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      let statement = cache.get(sql)
      if (statement !== undefined) {
        cache.delete(sql)
      } else {
        statement = db.prepare(sql) as unknown as SqliteStatement
        if (cache.size >= maxStatements) cache.delete(cache.keys().next().value!)
      }
      cache.set(sql, statement)
      return statement
    },
  }
}
