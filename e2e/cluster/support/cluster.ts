import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { createInterface } from "node:readline"
import { createTestDatabase, type TestDatabase } from "../../../packages/server/src/testing/postgresDatabase"
import { clearPrefix, testRedisPrefix, testRedisUrl } from "../../../packages/server/src/testing/redisPrefix"
import { connectRedis } from "../../../packages/server/src/cluster/redisClient"

const serverDir = fileURLToPath(new URL("../../../packages/server", import.meta.url))

/** One server node: `npm start`'s entry point in its own process, in cluster mode. */
export interface ClusterNode {
  url: string
  process: ChildProcess
  /** Every line the node wrote to standard output (its JSON log). */
  log: string[]
  exited: Promise<number | null>
  /** SIGKILL: no shutdown hooks, no flushing — a crash. */
  crash(): Promise<void>
  stop(): Promise<void>
  alive(): boolean
}

export interface Cluster {
  nodes: ClusterNode[]
  database: TestDatabase
  redisPrefix: string
  /** The attachment blob directory every node shares (as a network file system would be mounted). */
  blobDir: string
  /** Starts one more node on the same PostgreSQL database and Redis prefix. */
  addNode(): Promise<ClusterNode>
  close(): Promise<void>
}

async function startNode(env: Record<string, string>): Promise<ClusterNode> {
  const dataDir = mkdtempSync(join(tmpdir(), "kith-cluster-node-"))
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: {
      ...process.env,
      KITH_PORT: "0",
      KITH_HOST: "127.0.0.1",
      KITH_DATA_DIR: dataDir,
      KITH_POW_DIFFICULTY: "4",
      KITH_LOG_LEVEL: "debug",
      KITH_ANONYMOUS_REQUESTS_PER_MINUTE: "1000000",
      KITH_WEB_DIR: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  })
  const log: string[] = []
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      rmSync(dataDir, { recursive: true, force: true })
      resolve(code)
    }),
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`node exited early with code ${code}`)))
    createInterface({ input: child.stdout! }).on("line", (line) => {
      log.push(line)
      const match = /"port":(\d+)/.exec(line)
      if (match && line.includes("kith server started")) resolve(Number(match[1]))
    })
  })
  let running = true
  void exited.then(() => (running = false))
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    log,
    exited,
    alive: () => running,
    async crash() {
      child.kill("SIGKILL")
      await exited
    },
    async stop() {
      if (!running) return
      child.kill("SIGTERM")
      await exited
    },
  }
}

/**
 * Several identical nodes on loopback, sharing a PostgreSQL database and a
 * Redis key prefix of their own (so suites running at the same time never
 * share state), each in its own process as an operator would run them.
 */
export async function startCluster(size: number): Promise<Cluster> {
  const database = await createTestDatabase()
  const redisPrefix = testRedisPrefix()
  const blobDir = mkdtempSync(join(tmpdir(), "kith-cluster-blobs-"))
  const env = {
    KITH_BLOB_DIR: blobDir,
    KITH_DATABASE_URL: database.url,
    KITH_REDIS_URL: testRedisUrl,
    KITH_REDIS_PREFIX: redisPrefix,
  }
  const nodes: ClusterNode[] = []
  const cluster: Cluster = {
    nodes,
    database,
    redisPrefix,
    blobDir,
    async addNode() {
      const node = await startNode(env)
      nodes.push(node)
      return node
    },
    async close() {
      await Promise.all(nodes.map((n) => n.stop()))
      rmSync(blobDir, { recursive: true, force: true })
      await database.drop()
      const redis = await connectRedis(testRedisUrl, () => undefined)
      try {
        await clearPrefix(redis, redisPrefix)
      } finally {
        redis.disconnect()
      }
    },
  }
  try {
    // The first node migrates the database; the others then start side by side.
    await cluster.addNode()
    await Promise.all(Array.from({ length: size - 1 }, () => cluster.addNode()))
  } catch (error) {
    await cluster.close()
    throw error
  }
  return cluster
}
