/**
 * The privacy audit (DESIGN T1, T3, T4): a scripted session of three people —
 * friend requests, a 1:1 chat, a group with renames, a recall, a linked device —
 * against a real server, then a read of everything the server kept: every byte
 * of its SQLite files, every log line it wrote (at debug level), and its
 * metrics. None of the plaintexts, names, group names or usernames may appear,
 * and no stored row may tie one account to another (no sender→recipient pair).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs"
import { randomFillSync } from "node:crypto"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Writable } from "node:stream"
import Database from "better-sqlite3"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bytesSource, type KithClient } from "@kith/core"
import { fromBase64Url, isBlobBucket } from "@kith/protocol"
import { startServer, type RunningServer } from "@kith/server"
import { AuditSession, nextEvent, occurs } from "./support/auditSession"

let dir: string
let server: RunningServer
const logLines: string[] = []
const session = new AuditSession()
const { clients, secrets } = session
const secret = (text: string) => session.secret(text)
/** The plaintext bytes of every attachment sent. */
const attachmentPlaintexts: Uint8Array[] = []
/** Alice's profile picture: it travels only inside her encrypted profile. */
const profilePicture = randomFillSync(new Uint8Array(6000))
profilePicture.set([0xff, 0xd8, 0xff, 0xe0])

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kith-privacy-"))
  server = await startServer({
    port: 0,
    dataDir: join(dir, "server"),
    powDifficulty: 4,
    logLevel: "debug",
    anonymousRequestsPerMinute: 1_000_000,
    logStream: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString())
        done()
      },
    }),
  })

  const person = (name: string, username: string) => session.person(server.url, name, username)
  const say = session.say.bind(session)
  const greeting = "Greetings from a friend request"
  const alice = await person("Alice Liddell", "wonderland_alice")
  const bob = await person("Bob Marley", "bob_the_builder")
  const carol = await person("Carol Danvers", "captain_carol")

  const aliceBob = await session.befriend(alice, bob, greeting)
  await session.befriend(alice, carol, greeting)
  await say(alice, [bob], aliceBob, "Meet me at the old library at nine")
  await say(bob, [alice], aliceBob, "I will bring the documents")

  const recalled = nextEvent(bob, "recalled")
  const oops = await alice.sendText(aliceBob, secret("This message will be recalled soon"))
  await alice.recall(aliceBob, oops.id)
  await recalled

  const group = await alice.createGroup(secret("Secret Plans Committee"), [bob.accountId, carol.accountId])
  await say(alice, [bob, carol], group.id, "Welcome to the committee, everyone")
  const renamed = nextEvent(carol, "renamed")
  await alice.renameGroup(group.id, secret("Renamed Underground Society"))
  await renamed
  await say(carol, [alice, bob], group.id, "Carol reporting from the field")

  const bobLaptop = await session.link(bob, server.url)
  await say(alice, [bob, bobLaptop], aliceBob, "Bob, your laptop can read this too")

  // Attachments: a file whose every byte is known, a photo, a voice note; one forwarded to the group.
  for (const [kind, size, fileName, contentType] of [
    ["file", 300_000, "Plans for the old library.pdf", "application/pdf"],
    ["photo", 70_000, "IMG_secret_garden.jpg", "image/jpeg"],
    ["voice", 1, "voice-note-from-alice.ogg", "audio/ogg"],
  ] as const) {
    const bytes = randomFillSync(new Uint8Array(size))
    attachmentPlaintexts.push(bytes)
    const arrived = nextEvent(bob, "message", (e) => e.message.attachment?.fileName === fileName)
    await alice.sendAttachment(aliceBob, {
      kind,
      source: bytesSource(bytes),
      fileName: secret(fileName),
      contentType,
      caption: secret(`Caption of ${fileName}`),
    })
    await arrived
  }
  const forwarded = nextEvent(carol, "message", (e) => e.message.kind === "attachment")
  const bobsView = (await bob.messages(aliceBob)).find((m) => m.kind === "attachment")!
  await bob.forwardAttachment(aliceBob, bobsView.id, group.id)
  await forwarded

  await alice.setAvatar(profilePicture)
  expect((await bob.profileOf(alice.accountId))?.avatar).toEqual(profilePicture)

  await Promise.all(clients.map((c) => c.sync()))
}, 240_000)

afterAll(async () => {
  await session.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every file the server wrote: its database files and its blob store (encrypted attachments). */
function serverFiles(root = join(dir, "server")): Buffer[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? serverFiles(join(root, entry.name)) : [readFileSync(join(root, entry.name))],
  )
}

describe("privacy audit", () => {
  it("the session really happened (the audit has something to find)", () => {
    expect(secrets.length).toBeGreaterThan(10)
    expect(clients).toHaveLength(4)
    expect(existsSync(join(dir, "server", "kith.sqlite"))).toBe(true)
  })

  it("the search can find what is there: device ids (mailbox addresses) are in the database", () => {
    const files = serverFiles()
    for (const client of clients) expect(files.some((f) => occurs(f, client.deviceId))).toBe(true)
  })

  it("the ratchet trees joiners needed are at the server, sealed: no device or account id in them", () => {
    const db = new Database(join(dir, "server", "kith.sqlite"), { readonly: true })
    try {
      const trees = db.prepare("SELECT ciphertext FROM ratchet_trees").all() as { ciphertext: Buffer }[]
      // A chat, a group and a linked device each sent Welcomes whose tree was stored apart.
      expect(trees.length).toBeGreaterThanOrEqual(3)
      // A tree in the clear holds every member's certificate, with the raw account and device ids.
      const ids = clients.flatMap((c) =>
        [c.deviceId, c.accountId].map((id) => Buffer.from(fromBase64Url(id)!)),
      )
      for (const { ciphertext } of trees) for (const id of ids) expect(ciphertext.includes(id)).toBe(false)
    } finally {
      db.close()
    }
  })

  it("no plaintext, name, group name or username in the database files (WAL included)", () => {
    const files = serverFiles()
    for (const text of secrets) {
      for (const file of files) expect(occurs(file, text), text).toBe(false)
    }
  })

  it("no plaintext bytes of any attachment in the blob store or the database; blob lengths are buckets", () => {
    const blobDir = join(dir, "server", "blobs")
    const blobs = readdirSync(blobDir).filter((name) => name.endsWith(".data"))
    expect(blobs).toHaveLength(3) // the forward reused its blob
    for (const name of blobs) expect(isBlobBucket(readFileSync(join(blobDir, name)).length)).toBe(true)
    const files = serverFiles().map((f) => f.toString("latin1"))
    for (const plain of attachmentPlaintexts.filter((p) => p.length >= 16)) {
      // 16 random bytes occur by chance with probability ~2^-128: any hit is a leak.
      for (const at of [0, 1000, Math.floor(plain.length / 2), plain.length - 16]) {
        const needle = Buffer.from(plain.subarray(at, at + 16)).toString("latin1")
        for (const file of files) expect(file.includes(needle)).toBe(false)
      }
    }
    const metadata = readdirSync(blobDir).filter((name) => name.endsWith(".json"))
    for (const name of metadata) {
      const record = readFileSync(join(blobDir, name), "utf8")
      expect(record).not.toMatch(/pdf|jpeg|ogg|image|audio|name|type|hash|digest/i)
    }
  })

  it("no bytes of a profile picture in the database: only the sealed profile holds it", () => {
    const files = serverFiles().map((f) => f.toString("latin1"))
    for (const at of [4, 1000, 3000, profilePicture.length - 16]) {
      const needle = Buffer.from(profilePicture.subarray(at, at + 16)).toString("latin1")
      for (const file of files) expect(file.includes(needle)).toBe(false)
    }
  })

  it("no plaintext, name, username, id or address in the logs", () => {
    const logs = Buffer.from(logLines.join(""))
    expect(logLines.length).toBeGreaterThan(20)
    for (const text of secrets) expect(occurs(logs, text), text).toBe(false)
    for (const client of clients) {
      expect(occurs(logs, client.accountId), "account id").toBe(false)
      expect(occurs(logs, client.deviceId), "device id").toBe(false)
    }
    expect(logs.toString()).not.toMatch(/127\.0\.0\.1|::1|"(ip|remoteAddress|hostname)"/)
  })

  it("no plaintext, name, username or id in the metrics", async () => {
    const metrics = Buffer.from(await (await fetch(server.url + "/metrics")).text())
    for (const text of secrets) expect(occurs(metrics, text), text).toBe(false)
    for (const client of clients) expect(occurs(metrics, client.accountId), "account id").toBe(false)
  })

  it("no stored row ties two accounts together (no sender→recipient pair)", () => {
    const db = new Database(join(dir, "server", "kith.sqlite"), { readonly: true })
    try {
      const accountOf = new Map<string, string>()
      for (const client of clients) {
        accountOf.set(client.accountId, client.accountId)
        accountOf.set(client.deviceId, client.accountId)
      }
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[]
      let rows = 0
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
          rows++
          const accounts = new Set<string>()
          for (const value of Object.values(row)) {
            const text =
              typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("latin1") : ""
            for (const [id, account] of accountOf) if (text.includes(id)) accounts.add(account)
          }
          expect(accounts.size, `a row of ${name} names ${accounts.size} accounts`).toBeLessThanOrEqual(1)
        }
      }
      expect(rows).toBeGreaterThan(10)
    } finally {
      db.close()
    }
  })
})

/**
 * Reports are the one place plaintext reaches the operator, by a user's
 * explicit choice (docs/data-inventory.md §8). These run last: until now no
 * one reported anything, so the table must be empty; then Bob reports one of
 * Alice's messages, and the server must hold exactly that one — not the rest
 * of the chat, and nothing that names Bob.
 */
describe("privacy audit of reports", () => {
  const reportRows = () => {
    const db = new Database(join(dir, "server", "kith.sqlite"), { readonly: true })
    try {
      return db.prepare("SELECT * FROM reports").all() as { messages: string }[]
    } finally {
      db.close()
    }
  }

  it("keeps no report while nobody reports", () => {
    expect(reportRows()).toEqual([])
  })

  it("a report holds exactly the message the reporter chose, and nothing about the reporter", async () => {
    const [alice, bob, carol] = clients as [KithClient, KithClient, KithClient]
    const chat = (await bob.conversations()).find(
      (c) => c.kind === "direct" && c.members.some((m) => m.accountId === alice.accountId),
    )!
    const fromAlice = (await bob.messages(chat.id)).filter((m) => m.kind === "text" && !m.outgoing)
    const chosen = fromAlice[0]!
    await bob.report(chat.id, [chosen.id], "harassment")
    const rows = reportRows()
    expect(rows).toHaveLength(1)
    expect(JSON.parse(rows[0]!.messages)).toEqual([
      { senderAccountId: alice.accountId, sentAtMs: chosen.sentAtMs, text: chosen.body },
    ])
    const stored = Buffer.from(JSON.stringify(rows))
    for (const text of secrets.filter((s) => s !== chosen.body))
      expect(occurs(stored, text), text).toBe(false)
    for (const id of [bob.accountId, bob.deviceId, carol.accountId]) expect(occurs(stored, id)).toBe(false)
    expect(logLines.join("")).not.toContain(chosen.body)
  })
})
