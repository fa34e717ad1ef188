import { randomBytes } from "node:crypto"
import pg from "pg"

/**
 * The local PostgreSQL the tests use (scripts/ensure-services.sh starts it):
 * KITH_TEST_POSTGRES_URL, or the trust-authenticated default on loopback.
 */
export const testPostgresUrl =
  process.env.KITH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/kith_test"

export interface TestDatabase {
  url: string
  name: string
  /** Runs SQL as the administrator, in this database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
  drop(): Promise<void>
}

function urlFor(name: string): string {
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testPostgresUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** A database of its own for one test file (kith_<random>), dropped afterwards, so suites never share rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kith_${randomBytes(6).toString("hex")}`
  await admin((c) => c.query(`CREATE DATABASE ${name}`))
  let reader: pg.Pool | undefined
  return {
    url: urlFor(name),
    name,
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      reader ??= new pg.Pool({ connectionString: urlFor(name), max: 2 })
      reader.on("error", () => undefined)
      return (await reader.query(sql, params)).rows as T[]
    },
    async drop() {
      await reader?.end()
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}
