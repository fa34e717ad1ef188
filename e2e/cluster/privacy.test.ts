/**
 * The privacy audit on a cluster (DESIGN T1, T3, T4): the scripted session of
 * e2e/privacy.test.ts, with the three people and a linked device spread over
 * two nodes, then a read of everything the cluster kept: every row of every
 * PostgreSQL table and the database's files on disk, every Redis key and
 * value under the deployment's prefix, and every log line of both nodes.
 * Nothing outside the data inventory may be there.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Redis } from "ioredis"
import { startCluster, type Cluster } from "./support/cluster"
import { AuditSession, nextEvent, occurs } from "../support/auditSession"
import { connectRedis } from "../../packages/server/src/cluster/redisClient"
import { keysUnder, testRedisUrl } from "../../packages/server/src/testing/redisPrefix"

let cluster: Cluster
let redis: Redis
const session = new AuditSession()
const { clients, secrets } = session
const startedAt = Date.now()
const inventory = readFileSync(new URL("../../docs/data-inventory.md", import.meta.url), "utf8")

beforeAll(async () => {
  cluster = await startCluster(2)
  redis = await connectRedis(testRedisUrl, () => undefined)
  const person = (name: string, username: string, node: number) =>
    session.person(cluster.nodes[node]!.url, name, username)
  const say = session.say.bind(session)
  const secret = (text: string) => session.secret(text)
  const greeting = "Greetings across the cluster"
  const alice = await person("Alice Liddell", "cluster_alice", 0)
  const bob = await person("Bob Marley", "cluster_bob", 1)
  const carol = await person("Carol Danvers", "cluster_carol", 0)

  const aliceBob = await session.befriend(alice, bob, greeting)
  await session.befriend(bob, carol, greeting)
  await say(alice, [bob], aliceBob, "Meet me at the harbour at dawn")
  await say(bob, [alice], aliceBob, "I will bring the maps")
  const group = await bob.createGroup(secret("Harbour Watch Society"), [alice.accountId, carol.accountId])
  await say(bob, [alice, carol], group.id, "Everyone in the watch, report in")
  const renamed = nextEvent(carol, "renamed")
  await bob.renameGroup(group.id, secret("Lighthouse Keepers Guild"))
  await renamed
  await say(carol, [alice, bob], group.id, "Carol on the north pier")

  // Bob links a laptop through the other node: the linking slot lives in Redis.
  const laptop = await session.link(bob, cluster.nodes[0]!.url)
  await say(alice, [bob, laptop], aliceBob, "Bob, your laptop reads this through another node")
  await Promise.all(clients.map((c) => c.sync()))
  // Everything the database wrote is in its files before they are read.
  await cluster.database.query("checkpoint")
}, 240_000)

afterAll(async () => {
  await session.close()
  redis?.disconnect()
  await cluster?.close()
})

async function tables(): Promise<string[]> {
  const rows = await cluster.database.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public'",
  )
  return rows.map((r) => r.table_name)
}

/** Every row of every table, each value as bytes. */
async function databaseRows(): Promise<{ table: string; values: Buffer[] }[]> {
  const out: { table: string; values: Buffer[] }[] = []
  for (const table of await tables()) {
    for (const row of await cluster.database.query(`select * from "${table}"`)) {
      out.push({
        table,
        values: Object.values(row).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? "")))),
      })
    }
  }
  return out
}

/** The files of this database on disk, and the write-ahead log written since the audit began. */
async function databaseFiles(): Promise<Buffer[]> {
  const dir = (
    await cluster.database.query<{ dir: string }>(
      "select setting as dir from pg_settings where name = 'data_directory'",
    )
  )[0]!.dir
  const oid = (
    await cluster.database.query<{ oid: number }>(
      "select oid from pg_database where datname = current_database()",
    )
  )[0]!.oid
  const files: Buffer[] = []
  const base = join(dir, "base", String(oid))
  for (const name of readdirSync(base)) files.push(readFileSync(join(base, name)))
  const wal = join(dir, "pg_wal")
  for (const name of readdirSync(wal)) {
    const path = join(wal, name)
    const stat = statSync(path)
    if (stat.isFile() && stat.mtimeMs >= startedAt - 1000) files.push(readFileSync(path))
  }
  return files
}

/** Every key under the deployment's prefix with its value(s), as text. */
async function redisContents(): Promise<{ key: string; kind: string; text: string }[]> {
  const out: { key: string; kind: string; text: string }[] = []
  for (const key of await keysUnder(redis, cluster.redisPrefix)) {
    const type = await redis.type(key)
    const values =
      type === "string"
        ? [await redis.get(key)]
        : type === "hash"
          ? Object.entries(await redis.hgetall(key)).flat()
          : type === "zset"
            ? await redis.zrange(key, 0, -1, "WITHSCORES")
            : type === "set"
              ? await redis.smembers(key)
              : [`unexpected type ${type}`]
    const kind = key.slice(cluster.redisPrefix.length).split(":")[0]!
    out.push({ key, kind, text: [key, ...values].join("\n") })
  }
  return out
}

describe("privacy audit of a cluster", () => {
  it("the session really happened across both nodes (the audit has something to find)", async () => {
    expect(secrets.length).toBeGreaterThan(10)
    expect(clients).toHaveLength(4)
    for (const node of cluster.nodes)
      expect(node.log.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThan(5)
    // The search can find what is there: device ids (mailbox addresses) are in the database.
    const rows = await databaseRows()
    for (const client of clients)
      expect(rows.some((r) => r.values.some((v) => occurs(v, client.deviceId)))).toBe(true)
  })

  it("no plaintext, name, group name or username in any PostgreSQL row or database file", async () => {
    const rows = await databaseRows()
    expect(rows.length).toBeGreaterThan(10)
    const files = await databaseFiles()
    expect(files.length).toBeGreaterThan(5)
    for (const text of secrets) {
      for (const row of rows)
        for (const value of row.values) expect(occurs(value, text), `${row.table}: ${text}`).toBe(false)
      for (const file of files) expect(occurs(file, text), text).toBe(false)
    }
  })

  it("no PostgreSQL row ties two accounts together (no sender→recipient pair)", async () => {
    const accountOf = new Map<string, string>()
    for (const client of clients) {
      accountOf.set(client.accountId, client.accountId)
      accountOf.set(client.deviceId, client.accountId)
    }
    for (const row of await databaseRows()) {
      const accounts = new Set<string>()
      for (const value of row.values) {
        const text = value.toString("latin1")
        for (const [id, account] of accountOf) if (text.includes(id)) accounts.add(account)
      }
      expect(accounts.size, `a row of ${row.table} names ${accounts.size} accounts`).toBeLessThanOrEqual(1)
    }
  })

  it("Redis holds only the kinds of keys the data inventory lists, with no plaintext, name, token or address", async () => {
    const contents = await redisContents()
    expect(contents.map((c) => c.kind)).toContain("session")
    for (const { key, kind, text } of contents) {
      expect(inventory, `Redis key ${key} is not in docs/data-inventory.md`).toContain(`\`<prefix>${kind}:`)
      for (const s of secrets) expect(occurs(Buffer.from(text), s), `${key}: ${s}`).toBe(false)
      expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff:/)
      // Nothing in Redis lives for ever: every key has a time to live.
      expect(await redis.pttl(key), key).toBeGreaterThan(0)
    }
  })

  it("no node's log holds a plaintext, name, username, id or address", () => {
    for (const node of cluster.nodes) {
      const logs = Buffer.from(node.log.join("\n"))
      for (const text of secrets) expect(occurs(logs, text), text).toBe(false)
      for (const client of clients) {
        expect(occurs(logs, client.accountId), "account id").toBe(false)
        expect(occurs(logs, client.deviceId), "device id").toBe(false)
      }
      expect(logs.toString()).not.toMatch(
        /127\.0\.0\.1|::1|"(ip|remoteAddress|hostname)"|postgres:\/\/|redis:\/\//,
      )
    }
  })
})
