import { describe, expect, it } from "vitest"
import type { KithClient } from "./client"
import { befriend, nextEvent } from "./node/testHarness"
import { serverForFile } from "./testing/serverForFile.node"

// One send or commit at a time: any two that meet at the server, one is refused with KITH_ERR_OVERLOADED.
const setup = serverForFile({ maxPendingWrites: 1 })

async function overloadedAnswers(): Promise<number> {
  const text = await (await fetch(`${setup.server.url}/metrics`)).text()
  const line = text.split("\n").find((l) => l.includes('code="KITH_ERR_OVERLOADED"'))
  return line === undefined ? 0 : Number(line.split(" ").pop())
}

describe("a server shedding load", () => {
  it("slows senders down but every message arrives, once, and none is reported undeliverable", async () => {
    const users = await Promise.all(["Ana", "Ben", "Cai", "Dee"].map((name) => setup.user(name)))
    const [ana, ben, cai, dee] = users as [KithClient, KithClient, KithClient, KithClient]
    const chats = [await befriend(ana, ben), await befriend(cai, dee)]
    const errors: string[] = []
    for (const c of users) c.on((e) => (e.type === "error" ? errors.push(e.code) : undefined))

    const perSender = 12
    const plan: [KithClient, KithClient, string][] = [
      [ana, ben, chats[0]!],
      [ben, ana, chats[0]!],
      [cai, dee, chats[1]!],
      [dee, cai, chats[1]!],
    ]
    const arrivals = plan.map(([from, to]) => {
      const seen: string[] = []
      const all = nextEvent(
        to,
        "message",
        (e) => e.message.senderAccountId === from.accountId && seen.push(e.message.body ?? "") === perSender,
        120_000,
      )
      return { seen, all }
    })
    // Everyone sends at once, so sends meet at the server and most meetings end in a refusal.
    await Promise.all(
      plan.map(([from, , chat]) =>
        Promise.all(
          Array.from({ length: perSender }, (_, i) => from.sendText(chat, `${from.displayName} ${i}`)),
        ),
      ),
    )
    await Promise.all(arrivals.map((a) => a.all))

    const refusals = await overloadedAnswers()
    console.log(
      `${plan.length * perSender} messages delivered through ${refusals} KITH_ERR_OVERLOADED answers`,
    )
    expect(refusals).toBeGreaterThan(0)
    for (const [k, [from]] of plan.entries()) {
      const expected = Array.from({ length: perSender }, (_, i) => `${from.displayName} ${i}`)
      expect([...arrivals[k]!.seen].sort()).toEqual(expected.sort())
    }
    expect(errors).toEqual([])
  })
})
