import { expect, test } from "@playwright/test"
import { messages, openChat, send, twoFriendsForSuite, type Person } from "./support/people"

/**
 * Delivery states end to end: Sending while the message waits in this
 * device's outbox (also across a reload), Sent at the server, Delivered once
 * the friend's device stored it (a delivery receipt), Read once they read it.
 */
test.describe.serial("delivery states", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends))

  test("a message stored by the friend's device shows Delivered, then Read once read", async () => {
    await openChat(alice, "Bob")
    // Bob is online but not in the chat: his device stores the message without reading it.
    await bob.page.goto("/#/contacts")
    await send(alice, "are you there?")
    const state = messages(alice, "are you there?").getByTestId("delivery-state")
    await expect(state).toHaveAttribute("data-state", "delivered", { timeout: 60_000 })
    await expect(state).toContainText("Delivered")

    await openChat(bob, "Alice")
    await expect(messages(bob, "are you there?")).toHaveCount(1)
    await expect(state).toHaveAttribute("data-state", "read", { timeout: 60_000 })
  })

  test("a message written offline still shows Sending after a reload, then goes out", async () => {
    await bob.page.goto("/#/contacts")
    await alice.context.setOffline(true)
    await expect(alice.page.getByTestId("connection-banner")).toHaveAttribute("data-state", "offline")
    await send(alice, "queued before the reload")
    const queued = messages(alice, "queued before the reload").getByTestId("delivery-state")
    await expect(queued).toHaveAttribute("data-state", "sending")

    await alice.page.reload()
    await openChat(alice, "Bob")
    await expect(queued).toHaveAttribute("data-state", "sending")
    await expect(queued).toContainText("Sending")

    await alice.context.setOffline(false)
    await expect(queued).toHaveAttribute("data-state", "delivered", { timeout: 60_000 })
    await openChat(bob, "Alice")
    await expect(messages(bob, "queued before the reload")).toHaveCount(1)
  })
})
