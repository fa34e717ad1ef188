import { create } from "@bufbuild/protobuf"
import { ErrorCode, frames, fromBase64Url, toBase64Url, type ServerFrame } from "@kith/protocol"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import type { KithClient } from "./client"
import type { KithEvent } from "./events"
import { befriend, newUser, nextEvent, startTestServer, type TestServer } from "./node/testHarness"
import { keyPackageUnderServerKey, uncertifiedKeyPackage } from "./testing/forgedKeyPackage"
import { startMaliciousServer, type MaliciousServer } from "./testing/maliciousServer.node"

/**
 * [T9] The server as an adversary: clients talk to it through a proxy that
 * drops, reorders, replays and duplicates what it pushes and rewrites its
 * HTTP answers. Each test shows the clients notice and refuse, visibly.
 */
let server: TestServer
let evil: MaliciousServer
const clients = new Set<KithClient>()

beforeAll(async () => {
  server = await startTestServer()
})

afterEach(async () => {
  await Promise.all([...clients].map((c) => c.close()))
  clients.clear()
  await evil?.close()
})

afterAll(async () => {
  await server.close()
})

async function startEvil(): Promise<MaliciousServer> {
  evil = await startMaliciousServer(server.url)
  return evil
}

/** A user whose every connection goes through the malicious server. */
async function user(name: string, through?: MaliciousServer): Promise<KithClient> {
  const client = await newUser(through ? { ...server, url: through.url } : server, name)
  clients.add(client)
  return client
}

const isEntry = (
  f: ServerFrame,
): f is ServerFrame & { body: { case: "entry"; value: frames.MailboxEntry } } => f.body.case === "entry"

const entryFrame = (seq: bigint, payload: Uint8Array): ServerFrame =>
  create(frames.ServerFrameSchema, { requestId: 0, body: { case: "entry", value: { seq, payload } } })

function collect(client: KithClient): KithEvent[] {
  const seen: KithEvent[] = []
  client.on((e) => seen.push(e))
  return seen
}

const bodies = async (client: KithClient, conversationId: string) =>
  (await client.messages(conversationId)).filter((m) => m.kind === "text").map((m) => m.body)

describe("a malicious server's delivery", () => {
  it("duplicated and replayed payloads are shown once (de-duplication by payload digest)", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice")
    const bob = await user("Bob", proxy)
    const direct = await befriend(alice, bob)
    const pushed: frames.MailboxEntry[] = []
    proxy.tampering = {
      // Every entry twice, at once and under the same sequence number.
      serverFrame: (frame) => {
        if (!isEntry(frame)) return [frame]
        pushed.push(frame.body.value)
        return [frame, frame]
      },
    }
    const events = collect(bob)
    for (const text of ["one", "two", "three"]) {
      const got = nextEvent(bob, "message", (e) => e.message.body === text)
      await alice.sendText(direct, text)
      await got
    }
    // Later, the same payloads again under new sequence numbers, as a replaying server would.
    const replays = pushed.map((e, i) => entryFrame(10_000_000n + BigInt(i), e.payload))
    await bob.close()
    proxy.tampering = {
      serverFrame: (frame, s) => {
        if (frame.body.case === "caughtUp") for (const r of replays) s.push(r)
        return [frame]
      },
    }
    await bob.connect()
    await bob.sync()
    expect(await bodies(bob, direct)).toEqual(["one", "two", "three"])
    expect(events.filter((e) => e.type === "message").length).toBe(3)
    expect(events.some((e) => e.type === "decrypt-failed")).toBe(false)
  })

  it("reordered payloads are each shown once; the early gap is announced, then closed", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice")
    const bob = await user("Bob", proxy)
    const direct = await befriend(alice, bob)
    await bob.sync()
    let held: ServerFrame | undefined
    proxy.tampering = {
      // Holds the first entry back and delivers it after the second.
      serverFrame: (frame) => {
        if (!isEntry(frame)) return [frame]
        if (!held) {
          held = frame
          return []
        }
        const late = held
        proxy.tampering = {}
        return [frame, late]
      },
    }
    const events = collect(bob)
    const both = Promise.all([
      nextEvent(bob, "message", (e) => e.message.body === "first"),
      nextEvent(bob, "message", (e) => e.message.body === "second"),
    ])
    await alice.sendText(direct, "first")
    await alice.sendText(direct, "second")
    await both
    expect((await bodies(bob, direct)).sort()).toEqual(["first", "second"])
    expect(events.filter((e) => e.type === "message" && e.message.kind === "text").length).toBe(2)
    // When "second" came first, "first" was missing: the gap was shown, then closed when it came.
    const gaps = events.filter((e) => e.type === "messages-missing")
    expect(gaps.map((e) => e.type === "messages-missing" && e.count)).toEqual([1, 0])
    expect((await bob.messages(direct)).some((m) => m.missing !== undefined)).toBe(false)
  })

  it("a payload dropped between two others becomes a visible gap in the sender's messages", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice")
    const bob = await user("Bob", proxy)
    const direct = await befriend(alice, bob)
    await bob.sync()
    let entries = 0
    proxy.tampering = {
      serverFrame: (frame) => (isEntry(frame) && ++entries === 2 ? [] : [frame]),
    }
    const missing = nextEvent(bob, "messages-missing")
    const third = nextEvent(bob, "message", (e) => e.message.body === "three")
    for (const text of ["one", "two", "three"]) await alice.sendText(direct, text)
    await third
    expect(await missing).toMatchObject({ conversationId: direct, accountId: alice.accountId, count: 1 })
    const history = await bob.messages(direct)
    expect(history.map((m) => (m.kind === "notice" ? `[${m.missing} missing]` : m.body)).slice(-3)).toEqual([
      "one",
      "[1 missing]",
      "three",
    ])
  })

  it("a device the server adds as a recipient outside MLS reads nothing", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice")
    const bob = await user("Bob", proxy)
    const mallory = await user("Mallory", proxy)
    const direct = await befriend(alice, bob)
    await mallory.sync()
    const copied: Uint8Array[] = []
    proxy.tampering = {
      serverFrame: (frame) => {
        if (isEntry(frame)) copied.push(frame.body.value.payload)
        return [frame]
      },
    }
    const got = nextEvent(bob, "message", (e) => e.message.body === "for Bob only")
    await alice.sendText(direct, "for Bob only")
    await got
    // The server pushes Bob's payload into Mallory's mailbox too.
    const failed = nextEvent(mallory, "decrypt-failed")
    const seen = collect(mallory)
    proxy.tampering = {
      serverFrame: (frame, socket) => {
        if (frame.body.case === "pong" && socket.authenticated)
          for (const [i, p] of copied.entries()) socket.push(entryFrame(20_000_000n + BigInt(i), p))
        return [frame]
      },
    }
    await mallory.sync()
    await failed
    expect(seen.some((e) => e.type === "message")).toBe(false)
    expect((await mallory.conversations()).length).toBeLessThanOrEqual(1) // only her own self conversation, if any
  })
})

describe("a malicious server's directory", () => {
  it("a friend's key package swapped for one under a key the server made is refused and reported", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice", proxy)
    const bob = await user("Bob")
    const carol = await user("Carol")
    await befriend(alice, bob)
    await befriend(alice, carol)
    const forged = await keyPackageUnderServerKey(bob.accountId, bob.deviceId)
    proxy.tampering = {
      httpJson: (exchange) =>
        exchange.path.includes(`/accounts/${bob.accountId}/key-packages/claim`)
          ? { keyPackages: [{ deviceId: bob.deviceId, keyPackage: forged }] }
          : undefined,
    }
    const warned = nextEvent(alice, "untrusted-device", (e) => e.accountId === bob.accountId)
    await expect(alice.createGroup("Planning", [bob.accountId, carol.accountId])).rejects.toMatchObject({
      code: ErrorCode.NoKeyPackage,
    })
    expect(await warned).toMatchObject({ deviceId: bob.deviceId, reason: "account-key-changed" })
    expect((await alice.conversations()).some((c) => c.name === "Planning")).toBe(false)
  })

  it("a device injected into a friend's device list that their account key did not certify is refused", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice", proxy)
    const bob = await user("Bob")
    await befriend(alice, bob)
    const ghostId = toBase64Url(crypto.getRandomValues(new Uint8Array(16)))
    const bobKey = fromBase64Url(alice.internals.contacts.get(bob.accountId)!.accountPublicKey)!
    const ghost = await uncertifiedKeyPackage(bob.accountId, ghostId, bobKey)
    proxy.tampering = {
      httpJson: (exchange, body) => {
        if (!exchange.path.includes(`/accounts/${bob.accountId}/key-packages/claim`)) return undefined
        const real = body as { keyPackages: { deviceId: string; keyPackage: string }[] }
        return { keyPackages: [...real.keyPackages, { deviceId: ghostId, keyPackage: ghost }] }
      },
    }
    const warned = nextEvent(alice, "untrusted-device", (e) => e.deviceId === ghostId)
    const joined = nextEvent(bob, "conversation-added", (e) => e.conversation.name === "Ghost-free")
    const group = await alice.createGroup("Ghost-free", [bob.accountId])
    expect(await warned).toMatchObject({ accountId: bob.accountId, reason: "not-certified" })
    await joined
    const bobsDevices = group.members.find((m) => m.accountId === bob.accountId)!.deviceIds
    expect(bobsDevices).toEqual([bob.deviceId])
  })

  it("a friend's account key changed by the server is refused; the pinned key and safety number stay", async () => {
    const proxy = await startEvil()
    const alice = await user("Alice", proxy)
    const bob = await user("Bob")
    await befriend(alice, bob)
    const before = await alice.safetyNumber(bob.accountId)
    const fakeKey = toBase64Url(crypto.getRandomValues(new Uint8Array(32)))
    proxy.tampering = {
      httpJson: (exchange, body) =>
        exchange.method === "GET" && exchange.path === `/v1/accounts/${bob.accountId}`
          ? { ...(body as object), accountPublicKey: fakeKey }
          : undefined,
    }
    const warned = nextEvent(alice, "untrusted-device", (e) => e.accountId === bob.accountId)
    // Any path that asks the server for Bob's key again (here: a new friend request to his username).
    await expect(alice.sendFriendRequest(bob.username!)).rejects.toMatchObject({
      code: ErrorCode.UntrustedDevice,
    })
    expect((await warned).reason).toBe("account-key-changed")
    expect(await alice.safetyNumber(bob.accountId)).toBe(before)
  })
})
