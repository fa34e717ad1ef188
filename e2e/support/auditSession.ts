/**
 * What the privacy audits share: people driven through the real engine, and a
 * record of every secret the session produced (names, usernames, greetings,
 * plaintexts, group names) for the audit to look for in what a server kept.
 */
import { KithClient, MemoryStore, type KithEvent } from "@kith/core"
import { nodeWebSocket } from "@kith/core/node"

const keyPackages = { target: 6, lowWater: 3 }
/** Every Welcome leaves its ratchet tree out, so the audit also sees the sealed trees the server stores. */
const inlineTreeMaxDevices = 0

export class AuditSession {
  /** Every string the audit must not find anywhere on the server side. */
  readonly secrets: string[] = []
  readonly clients: KithClient[] = []

  secret(text: string): string {
    this.secrets.push(text)
    return text
  }

  /** Registers, connects and names a person on the server at `serverUrl`. */
  async person(serverUrl: string, name: string, username: string): Promise<KithClient> {
    const client = await KithClient.open({
      serverUrl,
      store: new MemoryStore(),
      webSocket: nodeWebSocket,
      keyPackages,
      inlineTreeMaxDevices,
    })
    this.clients.push(client)
    await client.register({ displayName: this.secret(name) })
    await client.connect()
    await client.claimUsername(this.secret(username))
    return client
  }

  async befriend(a: KithClient, b: KithClient, greeting: string): Promise<string> {
    const requested = nextEvent(b, "friend-request")
    const { conversationId } = await a.sendFriendRequest(b.username!, this.secret(greeting))
    await requested
    const accepted = nextEvent(a, "friend-accepted")
    await b.acceptFriendRequest(conversationId)
    await accepted
    return conversationId
  }

  /** Sends a text and waits until every one of `to` has it. */
  async say(from: KithClient, to: KithClient[], conversationId: string, text: string): Promise<void> {
    const arrivals = to.map((c) => nextEvent(c, "message", (e) => e.message.body === text))
    await from.sendText(conversationId, this.secret(text))
    await Promise.all(arrivals)
  }

  /** Links a new device to `existing`'s account through the server at `serverUrl`. */
  async link(existing: KithClient, serverUrl: string): Promise<KithClient> {
    const { code, done } = await existing.createLinkCode()
    const linked = await KithClient.linkDevice({
      serverUrl,
      store: new MemoryStore(),
      code,
      webSocket: nodeWebSocket,
      keyPackages,
      inlineTreeMaxDevices,
    })
    this.clients.push(linked)
    await linked.connect()
    await done
    await linked.sync()
    return linked
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()))
  }
}

export function nextEvent<T extends KithEvent["type"]>(
  client: KithClient,
  type: T,
  match: (event: Extract<KithEvent, { type: T }>) => boolean = () => true,
): Promise<Extract<KithEvent, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error(`no ${type} event`))), 30_000)
    const off = client.on((event) => {
      if (event.type === type && match(event as Extract<KithEvent, { type: T }>)) {
        clearTimeout(timer)
        off()
        resolve(event as Extract<KithEvent, { type: T }>)
      }
    })
  })
}

/** Looks for the text as UTF-8 and as UTF-16 (either byte order), case-insensitively for ASCII. */
export function occurs(haystack: Buffer, text: string): boolean {
  const lower = haystack.toString("latin1").toLowerCase()
  const needles = [
    Buffer.from(text.toLowerCase(), "utf8").toString("latin1"),
    Buffer.from(text.toLowerCase(), "utf16le").toString("latin1"),
    Buffer.from(text.toLowerCase(), "utf16le").swap16().toString("latin1"),
  ]
  return needles.some((n) => lower.includes(n))
}
