import { expect, test } from "@playwright/test"
import { befriend, messages, openChat, register, send } from "./support/people"

/** A message written offline waits, shows as sending, and is delivered exactly once when the connection returns. */
test("sending while offline delivers once on reconnect", async ({ browser }) => {
  const fay = await register(browser, "Fay")
  const gus = await register(browser, "Gus")
  await befriend(fay, gus)
  await openChat(fay, "Gus")
  await openChat(gus, "Fay")
  await send(fay, "before the tunnel")
  await expect(messages(gus, "before the tunnel")).toHaveCount(1)

  await fay.context.setOffline(true)
  await expect(fay.page.getByTestId("connection-banner")).toHaveAttribute("data-state", "offline")
  // Reading still works offline, even after a reload: the service worker has the app, IndexedDB the chats.
  await fay.page.reload()
  await openChat(fay, "Gus")
  await expect(fay.page.getByTestId("connection-banner")).toHaveAttribute("data-state", "offline")
  await expect(messages(fay, "before the tunnel")).toHaveCount(1)
  await send(fay, "written in the tunnel")
  const queued = messages(fay, "written in the tunnel")
  await expect(queued.getByTestId("delivery-state")).toHaveAttribute("data-state", "sending")

  await fay.context.setOffline(false)
  await expect(fay.page.getByTestId("connection-banner")).toHaveCount(0, { timeout: 60_000 })
  await expect(queued.getByTestId("delivery-state")).toHaveAttribute("data-state", /sent|delivered|read/, {
    timeout: 60_000,
  })
  await expect(messages(gus, "written in the tunnel")).toHaveCount(1)

  // Exactly once, also after the recipient reloads from its store and the sender from its.
  await send(fay, "after the tunnel")
  await expect(messages(gus, "after the tunnel")).toHaveCount(1)
  await gus.page.reload()
  await openChat(gus, "Fay")
  await expect(messages(gus, "after the tunnel")).toHaveCount(1)
  await expect(messages(gus, "written in the tunnel")).toHaveCount(1)
  await fay.page.reload()
  await openChat(fay, "Gus")
  await expect(messages(fay, "written in the tunnel")).toHaveCount(1)

  await fay.context.close()
  await gus.context.close()
})
