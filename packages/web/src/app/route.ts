/**
 * Where the person is in the app, kept in the URL hash so the browser's back
 * button and reloads work without server-side routes (the server only serves /).
 */
export type Tab = "chats" | "contacts" | "discover" | "me"

export type Detail =
  | { screen: "chat"; conversationId: string }
  | { screen: "chat-info"; conversationId: string }
  | { screen: "safety"; accountId: string }
  | { screen: "new-group" }
  | { screen: "add-friend"; username?: string }
  | { screen: "requests" }
  | { screen: "contact"; accountId: string }
  | { screen: "discover-item"; item: "moments" | "nearby" | "mini-programs" }
  | { screen: "profile" }
  | { screen: "my-qr" }
  | { screen: "devices" }
  | { screen: "link-device" }
  | { screen: "privacy" }
  | { screen: "language" }
  | { screen: "app-lock" }
  | { screen: "delete-account" }

export interface Route {
  tab: Tab
  detail?: Detail
}

const tabs: readonly Tab[] = ["chats", "contacts", "discover", "me"]

export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent)
  const [first, second, third, fourth] = parts
  if (!tabs.includes(first as Tab)) return { tab: "chats" }
  const tab = first as Tab
  switch (tab) {
    case "chats":
      if (second === "new-group") return { tab, detail: { screen: "new-group" } }
      if (second && third === "info") return { tab, detail: { screen: "chat-info", conversationId: second } }
      if (second && third === "safety" && fourth)
        return { tab, detail: { screen: "safety", accountId: fourth } }
      if (second) return { tab, detail: { screen: "chat", conversationId: second } }
      return { tab }
    case "contacts":
      if (second === "add")
        return { tab, detail: third ? { screen: "add-friend", username: third } : { screen: "add-friend" } }
      if (second === "requests") return { tab, detail: { screen: "requests" } }
      if (second === "safety" && third) return { tab, detail: { screen: "safety", accountId: third } }
      if (second) return { tab, detail: { screen: "contact", accountId: second } }
      return { tab }
    case "discover":
      if (second === "moments" || second === "nearby" || second === "mini-programs")
        return { tab, detail: { screen: "discover-item", item: second } }
      return { tab }
    case "me": {
      const screens = [
        "profile",
        "my-qr",
        "devices",
        "link-device",
        "privacy",
        "language",
        "app-lock",
        "delete-account",
      ] as const
      const screen = screens.find((s) => s === second)
      return screen ? { tab, detail: { screen } } : { tab }
    }
  }
}

/** The hash for a route; the inverse of parseRoute. */
export function hrefOf(route: Route): string {
  const d = route.detail
  const enc = encodeURIComponent
  if (!d) return `#/${route.tab}`
  switch (d.screen) {
    case "chat":
      return `#/chats/${enc(d.conversationId)}`
    case "chat-info":
      return `#/chats/${enc(d.conversationId)}/info`
    case "safety":
      return `#/contacts/safety/${enc(d.accountId)}`
    case "new-group":
      return "#/chats/new-group"
    case "add-friend":
      return d.username ? `#/contacts/add/${enc(d.username)}` : "#/contacts/add"
    case "requests":
      return "#/contacts/requests"
    case "contact":
      return `#/contacts/${enc(d.accountId)}`
    case "discover-item":
      return `#/discover/${d.item}`
    case "profile":
    case "my-qr":
    case "devices":
    case "link-device":
    case "privacy":
    case "language":
    case "app-lock":
    case "delete-account":
      return `#/me/${d.screen}`
  }
}

export function navigate(route: Route): void {
  location.hash = hrefOf(route)
}
