import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import BetterSqlite3 from "better-sqlite3"
import { startServer, type RunningServer, type ServerConfig } from "../index"
import { DATABASE_FILE } from "../storage/sqlite"
import { createTestDatabase, type TestDatabase } from "./postgresDatabase"

/** The SQL engines a store test runs against. */
export type StorageEngine = "sqlite" | "postgres"
export const storageEngines: StorageEngine[] = ["sqlite", "postgres"]

export interface TestServer {
  server: RunningServer
  url: string
  dataDir: string
  /** Every log line the server wrote, as parsed JSON. */
  logLines: Record<string, unknown>[]
  /** Every log line, raw. */
  logText(): string
  /** A read-only look at the server's database, to check what it really keeps (SQLite only). */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  /** The same look on either engine: `?` placeholders, rows as the driver returns them. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>
  close(): Promise<void>
}

/**
 * A real server on a random port with a fresh SQLite file in a temp dir (or,
 * with `storage: "postgres"`, a fresh PostgreSQL database of its own), logs captured.
 */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  options: { storage?: StorageEngine } = {},
): Promise<TestServer> {
  const postgres: TestDatabase | undefined =
    options.storage === "postgres" ? await createTestDatabase() : undefined
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), "kith-server-test-"))
  const raw: string[] = []
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(chunk.toString("utf8"))
      done()
    },
  })
  const server = await startServer({
    port: 0,
    powDifficulty: 4,
    logLevel: "debug",
    anonymousRequestsPerMinute: 100_000,
    ...config,
    ...(postgres === undefined ? {} : { databaseUrl: postgres.url }),
    dataDir,
    logStream,
  })
  let reader: BetterSqlite3.Database | undefined
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    if (postgres !== undefined) throw new Error("query() reads SQLite; use rows()")
    reader ??= new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true })
    return reader.prepare(sql).all(...params) as T[]
  }
  return {
    server,
    url: server.url,
    dataDir,
    get logLines() {
      return raw
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    },
    logText: () => raw.join(""),
    query,
    async rows<T>(sql: string, ...params: unknown[]): Promise<T[]> {
      if (postgres === undefined) return query<T>(sql, ...params)
      let n = 0
      return postgres.query<T>(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    },
    async close() {
      reader?.close()
      await server.close()
      await postgres?.drop()
      if (config.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
