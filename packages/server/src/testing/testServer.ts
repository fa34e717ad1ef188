import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import BetterSqlite3 from "better-sqlite3"
import { startServer, type RunningServer, type ServerConfig } from "../index"
import { DATABASE_FILE } from "../storage/sqlite"

export interface TestServer {
  server: RunningServer
  url: string
  dataDir: string
  /** Every log line the server wrote, as parsed JSON. */
  logLines: Record<string, unknown>[]
  /** Every log line, raw. */
  logText(): string
  /** A read-only look at the server's database, to check what it really keeps. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[]
  close(): Promise<void>
}

/** A real server on a random port with a fresh SQLite file in a temp dir, logs captured. */
export async function startTestServer(config: Partial<ServerConfig> = {}): Promise<TestServer> {
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
    dataDir,
    logStream,
  })
  let reader: BetterSqlite3.Database | undefined
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
    query<T>(sql: string, ...params: unknown[]): T[] {
      reader ??= new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true })
      return reader.prepare(sql).all(...params) as T[]
    },
    async close() {
      reader?.close()
      await server.close()
      if (config.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
