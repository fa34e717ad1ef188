/**
 * Cluster mode without faults: three nodes in their own processes on one
 * PostgreSQL database and one Redis, clients spread over them as a load
 * balancer would spread them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KithClient, MemoryStore } from "@kith/core"
import { nodeWebSocket } from "@kith/core/node"
import { startCluster, type Cluster } from "./support/cluster"
import { RoamingDevice } from "./support/roamingDevice"
import { call } from "../../packages/server/src/testing/httpClient"
import {
  addDevice,
  expectOk,
  newKeyPair,
  newUser,
  openSessionBody,
  randomBytes,
  registrationBody,
  setDeliveryToken,
  type TestUser,
} from "../../packages/server/src/testing/identities"
import { bodyOf, TestSocket } from "../../packages/server/src/testing/wsClient"
import { delivery, payload, to } from "../../packages/server/src/testing/deliveries"
import { BLOBS_PATH, fromBase64Url, TUS_CONTENT_TYPE, TUS_VERSION } from "@kith/protocol"

let cluster: Cluster
const urls = () => cluster.nodes.map((n) => n.url)
const node = (i: number) => cluster.nodes[i % cluster.nodes.length]!.url
const decoder = new TextDecoder()
const clients: KithClient[] = []

beforeAll(async () => {
  cluster = await startCluster(3)
}, 120_000)
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await cluster?.close()
})

describe("a three-node cluster", () => {
  it("lets every step of signing up and signing in happen on a different node", async () => {
    const { publicKey, privateKey } = newKeyPair()
    // The registration challenge comes from node 0, is paid on node 1.
    const registration = await registrationBody(node(0), publicKey, privateKey)
    const { accountId } = expectOk<{ accountId: string }>(
      await call(node(1), "registerAccount", { body: registration }),
      "registerAccount",
    )
    // …and cannot be spent again on node 2.
    const replay = await call(node(2), "registerAccount", { body: registration })
    expect(replay.body).toMatchObject({ code: "KITH_ERR_PROOF_OF_WORK" })
    const account = { accountId, accountIdBytes: fromBase64Url(accountId)!, publicKey, privateKey }
    const device = await addDevice(node(2), account)
    // A session challenge from node 0, spent on node 1; the session then works on node 2.
    const body = await openSessionBody(node(0), device)
    const { token } = expectOk<{ token: string }>(await call(node(1), "openSession", { body }), "openSession")
    expect((await call(node(1), "openSession", { body })).status).toBe(401)
    expect((await call(node(2), "keyPackageCount", { token })).status).toBe(200)
    const socket = await TestSocket.connect(node(0))
    expect(bodyOf(await socket.authenticate(token), "ok")).toBeDefined()
    await socket.close()
    // Deleting the account on one node ends its session on all of them.
    expect((await call(node(0), "deleteAccount", { token })).status).toBe(204)
    expect((await call(node(2), "keyPackageCount", { token })).status).toBe(401)
  })

  it("keeps one connection per device across nodes: a newer one on another node replaces the older", async () => {
    const user = await newUser(node(0))
    const older = await TestSocket.connect(node(0))
    expect(bodyOf(await older.authenticate(user.token), "ok")).toBeDefined()
    const newer = await TestSocket.connect(node(1))
    expect(bodyOf(await newer.authenticate(user.token), "ok")).toBeDefined()
    expect(await older.closed).toEqual({ code: 4001, reason: "replaced by a newer connection" })
    expect(newer.isOpen()).toBe(true)
    await newer.close()
  })

  it("delivers messages sent through any node to devices connected to any other, once each", async () => {
    const people: (TestUser & { deliveryToken: Uint8Array })[] = []
    for (let i = 0; i < 6; i++) {
      const user = await newUser(node(i))
      people.push({ ...user, deliveryToken: await setDeliveryToken(node(i), user) })
    }
    const devices = people.map((p, i) => new RoamingDevice(p, urls, i))
    await Promise.all(devices.map((d) => d.start()))
    const expected = people.map(() => new Set<string>())
    const senders = await Promise.all([0, 1, 2].map((i) => TestSocket.connect(node(i))))
    let n = 0
    for (let round = 0; round < 5; round++) {
      for (const [r, person] of people.entries()) {
        const bytes = payload(n++, "CROSS")
        expected[r]!.add(decoder.decode(bytes))
        const reply = await senders[(r + 1) % 3]!.request({
          case: "send",
          value: { deliveries: [delivery(bytes, [to(person.device, person.deliveryToken)])] as never },
        })
        expect(reply.body.case).toBe("ok")
      }
    }
    for (const [r, device] of devices.entries()) {
      await device.waitFor(expected[r]!)
      expect(device.unique()).toEqual(expected[r])
      for (const times of device.seen.values()) expect(times).toBe(1)
      device.stop()
    }
    await Promise.all(senders.map((s) => s.close()))
  })

  it("shares attachment blobs through the nodes' common directory: upload begun on one node, resumed on another, read on a third", async () => {
    const alice = await newUser(node(0))
    const bytes = randomBytes(8192)
    const tus = (
      url: string,
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: Uint8Array,
    ) =>
      fetch(url + path, {
        method,
        headers: { "tus-resumable": TUS_VERSION, authorization: `Bearer ${alice.token}`, ...headers },
        body: body && new Uint8Array(body),
      })
    const created = await tus(node(0), "POST", BLOBS_PATH, { "upload-length": "8192" })
    expect(created.status).toBe(201)
    const location = created.headers.get("location")!
    const part = (url: string, from: number, to: number) =>
      tus(
        url,
        "PATCH",
        location,
        { "upload-offset": String(from), "content-type": TUS_CONTENT_TYPE },
        bytes.slice(from, to),
      )
    expect((await part(node(0), 0, 3000)).status).toBe(204)
    const head = await tus(node(1), "HEAD", location, {})
    expect(head.headers.get("upload-offset")).toBe("3000")
    expect((await part(node(1), 3000, 8192)).status).toBe(204)
    const download = await fetch(node(2) + location)
    expect(download.status).toBe(200)
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes)
  })

  it("counts friend requests against one budget whichever node they go through", async () => {
    const alice = await newUser(node(0))
    const bob = await newUser(node(1))
    // One connection at a time (a newer one replaces the older), moving from node to node.
    const through = async (i: number) => {
      const socket = await TestSocket.connect(node(i))
      await socket.authenticate(alice.token)
      return socket
    }
    const request = (s: TestSocket, i: number) =>
      s.request({ case: "send", value: { deliveries: [delivery(payload(i), [to(bob.device)])] as never } })
    for (let n = 0; n < 3; n++) {
      const socket = await through(n)
      for (let i = 0; i < 10; i++) expect((await request(socket, n * 10 + i)).body.case).toBe("ok")
      await socket.close()
    }
    for (let n = 0; n < 3; n++) {
      const socket = await through(n)
      expect(bodyOf(await request(socket, 99), "error").code).toBe("KITH_ERR_RATE_LIMITED")
      await socket.close()
    }
  })

  it("accepts exactly one of many commits for one epoch sent through all nodes at once; the others re-base until all are in", async () => {
    const owner = await newUser(node(0))
    const ownerToken = await setDeliveryToken(node(0), owner)
    const groupId = randomBytes(16)
    const members = 6
    const sockets = await Promise.all(Array.from({ length: members }, (_, i) => TestSocket.connect(node(i))))
    // Every member holds a commit for epoch 0 and sends it at the same moment; a loser re-bases on the epoch it is told.
    const epochs = Array.from({ length: members }, () => 0n)
    const accepted: number[] = []
    let conflicts = 0
    await Promise.all(
      sockets.map(async (socket, m) => {
        for (let attempt = 0; attempt < members * 2; attempt++) {
          const reply = await socket.request({
            case: "submitCommit",
            value: {
              groupId,
              epoch: epochs[m]!,
              deliveries: [delivery(payload(m, "COMMIT"), [to(owner.device, ownerToken)])] as never,
            },
          })
          if (reply.body.case === "ok") return void accepted.push(Number(epochs[m]))
          const error = bodyOf(reply, "error")
          expect(error.code).toBe("KITH_ERR_EPOCH_CONFLICT")
          conflicts++
          epochs[m] = error.currentEpoch
        }
      }),
    )
    // One commit per epoch, no epoch skipped or taken twice.
    expect(accepted.sort((a, b) => a - b)).toEqual(Array.from({ length: members }, (_, i) => i))
    expect(conflicts).toBeGreaterThan(0)
    const late = await sockets[0]!.request({
      case: "submitCommit",
      value: {
        groupId,
        epoch: 0n,
        deliveries: [delivery(payload(0), [to(owner.device, ownerToken)])] as never,
      },
    })
    expect(bodyOf(late, "error").currentEpoch).toBe(BigInt(members))
    await Promise.all(sockets.map((s) => s.close()))
  })

  it("keeps an MLS group consistent when two members on different nodes commit at the same moment", async () => {
    const person = async (name: string, at: number) => {
      const client = await KithClient.open({
        serverUrl: node(at),
        store: new MemoryStore(),
        webSocket: nodeWebSocket,
        keyPackages: { target: 6, lowWater: 3 },
      })
      clients.push(client)
      await client.register({ displayName: name })
      await client.connect()
      await client.claimUsername(`${name.toLowerCase()}_${process.pid}_${at}`)
      return client
    }
    const [alice, bob, carol, dave] = await Promise.all([
      person("Alice", 0),
      person("Bob", 1),
      person("Carol", 2),
      person("Dave", 1),
    ])
    await befriend(alice, bob)
    await befriend(alice, carol)
    await befriend(bob, dave)
    const joined = nextEvent(bob, "conversation-added")
    const group = await alice.createGroup("race", [bob.accountId])
    await joined
    const promoted = nextEvent(bob, "admin-changed")
    await alice.setAdmin(group.id, bob.accountId, true)
    await promoted
    // Alice (node 0) and Bob (node 1) change the group at once; one wins, the other re-bases.
    await Promise.all([
      alice.addMembers(group.id, [carol.accountId]),
      bob.addMembers(group.id, [dave.accountId]),
    ])
    const everyone = [alice, bob, carol, dave]
    for (let i = 0; i < 2; i++) for (const c of everyone) await c.sync()
    const states = await Promise.all(
      everyone.map(async (c) => {
        const state = (await c.internals.groups.get(group.id))!
        const members = (await c.conversation(group.id)).members.map((m) => m.accountId).sort()
        return { epoch: state.groupContext.epoch, members }
      }),
    )
    for (const s of states) expect(s).toEqual(states[0])
    expect(states[0]!.members).toHaveLength(4)
    const heard = [alice, bob, carol].map((c) =>
      nextEvent(c, "message", (e) => e.message.body === "all here"),
    )
    await dave.sendText(group.id, "all here")
    await Promise.all(heard)
  })
})

function nextEvent<T extends Parameters<Parameters<KithClient["on"]>[0]>[0]["type"]>(
  client: KithClient,
  type: T,
  match: (event: Extract<Parameters<Parameters<KithClient["on"]>[0]>[0], { type: T }>) => boolean = () =>
    true,
): Promise<Extract<Parameters<Parameters<KithClient["on"]>[0]>[0], { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no ${type} event`))), 30_000)
    const off = client.on((event) => {
      if (event.type === type && match(event as never)) {
        clearTimeout(timer)
        off()
        resolve(event as never)
      }
    })
  })
}

async function befriend(a: KithClient, b: KithClient): Promise<void> {
  const requested = nextEvent(b, "friend-request", (e) => e.request.accountId === a.accountId)
  const { conversationId } = await a.sendFriendRequest(b.username!, "hello")
  await requested
  const accepted = nextEvent(a, "friend-accepted", (e) => e.accountId === b.accountId)
  await b.acceptFriendRequest(conversationId)
  await accepted
}
