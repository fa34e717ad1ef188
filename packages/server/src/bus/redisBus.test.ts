import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Redis } from "ioredis"
import { connectRedis } from "../cluster/redisClient"
import { testRedisPrefix, testRedisUrl } from "../testing/redisPrefix"
import type { MailboxEvent } from "./mailboxBus"
import { RedisBus } from "./redisBus"

/** Generous: only there so a broken bus fails a test instead of hanging it. */
const WAIT_LIMIT_MS = 10_000

interface Node {
  bus: RedisBus
  publisher: Redis
  subscriber: Redis
  /** The subscriber connection's id at the Redis server, to cut exactly this connection. */
  subscriberId: number
  resyncs: number
  failedPublishes: number
}

const prefix = `${testRedisPrefix()}mailbox:`
const nodes: Node[] = []

async function startNode(): Promise<Node> {
  const publisher = await connectRedis(testRedisUrl, () => undefined)
  const subscriber = await connectRedis(testRedisUrl, () => undefined)
  const subscriberId = (await subscriber.client("ID")) as number
  const node = { publisher, subscriber, subscriberId, resyncs: 0, failedPublishes: 0 } as Node
  node.bus = new RedisBus(publisher, subscriber, prefix, {
    publishFailed: () => node.failedPublishes++,
    resynced: () => node.resyncs++,
  })
  nodes.push(node)
  return node
}

/** Records a device's events and lets a test wait for one. */
function listen(node: Node, deviceId: string) {
  const events: MailboxEvent[] = []
  let wake = () => {}
  const unsubscribe = node.bus.subscribe(deviceId, (event) => {
    events.push(event)
    wake()
  })
  return {
    events,
    unsubscribe,
    async next(count: number): Promise<void> {
      const deadline = Date.now() + WAIT_LIMIT_MS
      while (events.length < count) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for event ${count}`)
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 50)
        })
      }
    },
  }
}

let a: Node
let b: Node
beforeAll(async () => {
  a = await startNode()
  b = await startNode()
})
afterAll(async () => {
  for (const node of nodes) {
    await node.bus.close()
    node.publisher.disconnect()
    node.subscriber.disconnect()
  }
})

describe("RedisBus", () => {
  it("tells a new subscription to look for news once it is listening (nothing falls between)", async () => {
    const device = listen(b, "dev-catch-up")
    await device.next(1)
    expect(device.events).toEqual(["news"])
    device.unsubscribe()
  })

  it("carries news and gone from the node that stored to the node that holds the connection", async () => {
    const onB = listen(b, "dev-cross")
    await onB.next(1) // the subscription's own "news"
    const onA = listen(a, "dev-local")
    await onA.next(1)
    await a.bus.publish(["dev-cross", "dev-local", "dev-nobody"], "news")
    await onB.next(2)
    await a.bus.publish(["dev-cross"], "gone")
    await onB.next(3)
    expect(onB.events).toEqual(["news", "news", "gone"])
    // The publishing node's own listeners hear it directly, once (not again through Redis).
    await b.bus.publish(["dev-cross"], "news")
    await onB.next(4)
    expect(onA.events).toEqual(["news", "news"])
    onA.unsubscribe()
    onB.unsubscribe()
  })

  it("costs an idle node nothing: news for mailboxes it does not hold never reaches it", async () => {
    const idle = await startNode()
    let heard = 0
    idle.subscriber.on("messageBuffer", () => heard++)
    const busy = listen(b, "dev-busy")
    await busy.next(1)
    for (let i = 0; i < 20; i++) await a.bus.publish(["dev-busy", `dev-elsewhere-${i}`], "news")
    await busy.next(21)
    expect(heard).toBe(0)
    busy.unsubscribe()
  })

  it("stops hearing a mailbox once its last local listener is gone", async () => {
    const first = listen(b, "dev-leaving")
    const second = listen(b, "dev-leaving")
    await first.next(1)
    first.unsubscribe()
    await a.bus.publish(["dev-leaving"], "news")
    await second.next(2)
    second.unsubscribe()
    let listeners: unknown = undefined
    for (let i = 0; i < 100 && listeners !== 0; i++) {
      listeners = ((await a.publisher.pubsub("NUMSUB", `${prefix}dev-leaving`)) as unknown[])[1]
      if (listeners !== 0) await new Promise((r) => setTimeout(r, 20))
    }
    expect(listeners).toBe(0)
  })

  it("after its subscriber connection is cut, reconnects, listens again and tells every local mailbox to look for news", async () => {
    const node = await startNode()
    const device = listen(node, "dev-resync")
    await device.next(1)
    await a.publisher.client("KILL", "ID", String(node.subscriberId))
    await device.next(2)
    expect(node.resyncs).toBe(1)
    await a.bus.publish(["dev-resync"], "news")
    await device.next(3)
    expect(device.events).toEqual(["news", "news", "news"])
    device.unsubscribe()
  })

  it("keeps a Send's Ok independent of Redis: a publish that cannot reach Redis is reported, not thrown", async () => {
    const node = await startNode()
    const local = listen(node, "dev-offline")
    await local.next(1)
    node.publisher.disconnect()
    await node.bus.publish(["dev-offline"], "news")
    expect(node.failedPublishes).toBe(1)
    expect(local.events).toEqual(["news", "news"])
    local.unsubscribe()
  })
})
