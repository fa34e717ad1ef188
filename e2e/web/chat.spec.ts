import { expect, test } from "@playwright/test"
import { chatRow, messages, openChat, send, twoFriendsForSuite, type Person } from "./support/people"

/**
 * Two people in two browser contexts: register, become friends by username,
 * chat both ways, see read receipts, recall a message, and send markup that
 * must stay text.
 */
test.describe.serial("two people chatting", () => {
  let alice: Person
  let bob: Person
  twoFriendsForSuite((friends) => ([alice, bob] = friends))

  test("they chat both ways and see read receipts", async () => {
    await openChat(alice, "Bob")
    await send(alice, "Hi Bob! 👋")
    await expect(messages(alice, "Hi Bob! 👋").getByTestId("delivery-state")).toHaveAttribute(
      "data-state",
      /sent|delivered|read/,
    )

    await bob.page.goto("/#/chats")
    const row = chatRow(bob, "Alice")
    await expect(row.getByTestId("unread-badge")).toHaveText("1")
    await openChat(bob, "Alice")
    await expect(messages(bob, "Hi Bob! 👋")).toHaveCount(1)
    // Bob read it: Alice's copy says so.
    await expect(messages(alice, "Hi Bob! 👋").getByTestId("delivery-state")).toHaveAttribute(
      "data-state",
      "read",
    )

    // Bob replies to Alice's message.
    await messages(bob, "Hi Bob! 👋").locator(".bubble").click()
    await bob.page.getByRole("button", { name: "Reply" }).click()
    await send(bob, "Hello Alice, good to see you here.")
    const reply = messages(alice, "Hello Alice, good to see you here.")
    await expect(reply).toHaveCount(1)
    await expect(reply.getByTestId("quote")).toContainText("Hi Bob!")
    await expect(
      messages(bob, "Hello Alice, good to see you here.").getByTestId("delivery-state"),
    ).toHaveAttribute("data-state", "read")
    // The unread badge is gone once read.
    await bob.page.goto("/#/chats")
    await expect(chatRow(bob, "Alice").getByTestId("unread-badge")).toHaveCount(0)
  })

  test("a recalled message disappears for both", async () => {
    await openChat(alice, "Bob")
    await openChat(bob, "Alice")
    await send(alice, "Oops, wrong chat")
    await expect(messages(bob, "Oops, wrong chat")).toHaveCount(1)
    // The actions open from the bubble's own button too (keyboard and screen readers).
    await messages(alice, "Oops, wrong chat").getByRole("button", { name: "Message actions" }).click()
    await alice.page.getByRole("button", { name: "Recall" }).click()
    await expect(alice.page.getByTestId("recalled").last()).toHaveText("You recalled a message")
    await expect(messages(bob, "Oops, wrong chat")).toHaveCount(0)
    await expect(bob.page.getByTestId("recalled").last()).toHaveText("This message was recalled")
  })

  test("markup in a message shows as text and runs nothing", async () => {
    const payloads = [
      "<img src=x onerror=alert(1)>",
      "<script>alert('xss')</script>",
      '"><svg onload=alert(document.domain)>',
      '<a href="javascript:alert(1)">click me</a>',
      '<iframe srcdoc="<script>parent.alert(1)</script>"></iframe>',
      "{{constructor.constructor('alert(1)')()}}",
    ]
    await openChat(alice, "Bob")
    await openChat(bob, "Alice")
    for (const payload of payloads) await send(alice, payload)
    for (const payload of payloads) {
      const shown = messages(bob, payload)
      await expect(shown).toHaveCount(1)
      await expect(shown.getByTestId("message-text")).toHaveText(payload)
    }
    // Nothing became an element: no images, scripts, frames or links inside any bubble.
    for (const person of [alice, bob]) {
      await expect(
        person.page.locator(".bubble img, .bubble script, .bubble iframe, .bubble svg, .bubble a"),
      ).toHaveCount(0)
    }
    // afterEach fails the test if any alert() dialog opened or a CSP violation was reported.
  })
})
