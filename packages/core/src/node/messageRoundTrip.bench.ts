/**
 * A text message through the whole engine and a real server (both in this
 * process, over localhost): from sendText until the recipient's "message"
 * event, one message at a time, in a 1:1 chat and in a group of 50 devices
 * (one device each; every one of them decrypts).
 *
 *   npx tsx packages/core/src/node/messageRoundTrip.bench.ts [messages]
 */
import type { KithClient } from "../client"
import { befriend, newUser, nextEvent, startTestServer } from "./testHarness"

const count = Number(process.argv[2] ?? 100)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const server = await startTestServer()
const alice = await newUser(server, "Alice")
const bob = await newUser(server, "Bob")
const direct = await befriend(alice, bob)

async function roundTrips(conversationId: string, receivers: KithClient[]): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const heard = receivers.map((r) => nextEvent(r, "message", (e) => e.message.body === `m${i}`))
    const started = performance.now()
    await alice.sendText(conversationId, `m${i}`)
    await Promise.all(heard)
    samples.push(performance.now() - started)
  }
  return samples
}

const oneToOne = await roundTrips(direct, [bob])
console.log(`1:1: send → delivered and decrypted, median ${median(oneToOne).toFixed(1)} ms over ${count}`)

const others: KithClient[] = [bob]
for (let i = others.length; i < 49; i++) {
  const other = await newUser(server, `M${i}`)
  await befriend(other, alice)
  others.push(other)
}
const group = await alice.createGroup(
  "fifty",
  others.map((o) => o.accountId),
)
for (const o of others) await o.sync()
const inGroup = await roundTrips(group.id, others)
console.log(
  `group of 50: send → all 49 others decrypted, median ${median(inGroup).toFixed(1)} ms over ${count}`,
)

await Promise.all([alice, ...others].map((c) => c.close()))
await server.close()
