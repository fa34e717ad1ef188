import { join } from "node:path"
import BetterSqlite3 from "better-sqlite3"
import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { befriend, nextEvent } from "./node/testHarness"

const setup = serverForFile()

function reportsOnServer(): { reason: string; messages: string }[] {
  const db = new BetterSqlite3(join(setup.server.dir, "server", "kith.sqlite"), { readonly: true })
  try {
    return db.prepare("SELECT reason, messages FROM reports").all() as { reason: string; messages: string }[]
  } finally {
    db.close()
  }
}

describe("reporting messages", () => {
  it("sends exactly the chosen messages — text, sender, time — and what the preview showed", async () => {
    const { alice, bob, chat } = await setup.twoFriends()
    const texts = ["first, harmless", "second, abusive", "third, abusive too"]
    for (const text of texts) {
      const arrived = nextEvent(bob, "message", (e) => e.message.body === text)
      await alice.sendText(chat, text)
      await arrived
    }
    const own = await bob.sendText(chat, "bob's own reply")
    const received = (await bob.messages(chat)).filter((m) => texts.includes(m.body))
    const chosen = received.filter((m) => m.body !== "first, harmless")

    // Bob's own message is not his to report; it is left out of the preview.
    const preview = await bob.reportPreview(chat, [...chosen.map((m) => m.id), own.id])
    expect(preview).toEqual(
      chosen.map((m) => ({ senderAccountId: alice.accountId, sentAtMs: m.sentAtMs, text: m.body })),
    )
    expect(reportsOnServer()).toEqual([])

    await bob.report(chat, [...chosen.map((m) => m.id), own.id], "harassment")
    const stored = reportsOnServer()
    expect(stored).toHaveLength(1)
    expect(stored[0]!.reason).toBe("harassment")
    expect(JSON.parse(stored[0]!.messages)).toEqual(preview)
    const everything = JSON.stringify(stored)
    expect(everything).not.toContain("first, harmless")
    expect(everything).not.toContain("bob's own reply")
    expect(everything).not.toContain(bob.accountId)
  })

  it("refuses a report with nothing reportable in it", async () => {
    const carol = await setup.user("Carol")
    const dave = await setup.user("Dave")
    const chat = await befriend(carol, dave)
    const mine = await carol.sendText(chat, "my own words")
    await expect(carol.report(chat, [mine.id], "spam")).rejects.toMatchObject({
      code: "KITH_ERR_BAD_REQUEST",
    })
    await expect(carol.report("no-such-chat", [mine.id], "spam")).rejects.toMatchObject({
      code: "KITH_ERR_NO_SUCH_CONVERSATION",
    })
  })
})
