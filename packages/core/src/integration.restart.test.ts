import { describe, expect, it } from "vitest"
import { serverForFile } from "./testing/serverForFile.node"
import { nextEvent } from "./node/testHarness"

const setup = serverForFile()

describe("a server restart", () => {
  it("is ridden out: clients reconnect, open new sessions, and what was queued goes out", async () => {
    const { alice, bob, chat: conversationId } = await setup.twoFriends()
    const offline = nextEvent(alice, "connection", (e) => !e.online)
    await setup.server.restart()
    await offline
    // Written while the server is away: it waits in the outbox.
    const sent = await alice.sendText(conversationId, "sent during the restart")
    const got = nextEvent(bob, "message", (e) => e.message.id === sent.id)
    expect((await got).message.body).toBe("sent during the restart")
    // Sessions were forgotten; HTTP calls re-open them.
    expect(await bob.profileOf(alice.accountId)).toEqual({ displayName: "Alice" })
    const back = nextEvent(alice, "message")
    await bob.sendText(conversationId, "and back")
    expect((await back).message.body).toBe("and back")
  })
})
