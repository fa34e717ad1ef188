import { describe, expect, it } from "vitest"
import { hrefOf, parseRoute, type Route } from "./route"

describe("routes in the URL hash", () => {
  it("round-trip every screen", () => {
    const routes: Route[] = [
      { tab: "chats" },
      { tab: "chats", detail: { screen: "chat", conversationId: "a-b_c" } },
      { tab: "chats", detail: { screen: "chat-info", conversationId: "xyz" } },
      { tab: "chats", detail: { screen: "new-group" } },
      { tab: "contacts", detail: { screen: "add-friend" } },
      { tab: "contacts", detail: { screen: "add-friend", username: "li.wei" } },
      { tab: "contacts", detail: { screen: "requests" } },
      { tab: "contacts", detail: { screen: "contact", accountId: "acc" } },
      { tab: "contacts", detail: { screen: "safety", accountId: "acc" } },
      { tab: "discover", detail: { screen: "discover-item", item: "nearby" } },
      { tab: "me", detail: { screen: "devices" } },
      { tab: "me", detail: { screen: "app-lock" } },
    ]
    for (const route of routes) expect(parseRoute(hrefOf(route))).toEqual(route)
  })

  it("opens the chat list for anything unknown", () => {
    expect(parseRoute("")).toEqual({ tab: "chats" })
    expect(parseRoute("#/nowhere/else")).toEqual({ tab: "chats" })
    expect(parseRoute("#/me/unknown")).toEqual({ tab: "me" })
  })
})
