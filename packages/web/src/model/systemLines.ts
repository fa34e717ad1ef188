import type { SealedStore } from "../storage/sealedStore"
import { decodeJson, encodeJson } from "./appPrefs"
import type { SystemEvent } from "./viewTypes"

/**
 * What happened to a chat itself — members added or removed, renames, admins,
 * a contact's new device — kept as lines in the chat's history. The engine
 * announces these as events; the web app writes them down (sealed, like
 * everything else) so they are still there after a reload. Accounts are kept
 * as ids and named when shown, so a name learned later shows up in old lines.
 */
export type SystemFact =
  | { kind: "member-added" | "member-removed"; accountIds: string[] }
  | { kind: "renamed"; name: string; byAccountId?: string }
  | { kind: "admin-changed"; accountId: string; admin: boolean }
  | { kind: "device-added"; accountId: string }
  | { kind: "created"; byAccountId?: string }
  | { kind: "friend-accepted"; accountId: string }
  | { kind: "joined"; memberCount: number }
  | { kind: "removed-from-chat" }

export interface SystemLine {
  id: string
  chatId: string
  at: number
  fact: SystemFact
}

const prefix = (chatId: string) => `sys/${chatId}/`

export async function recordSystemLine(
  store: SealedStore,
  chatId: string,
  at: number,
  fact: SystemFact,
): Promise<SystemLine> {
  const id = `${String(at).padStart(15, "0")}-${crypto.randomUUID()}`
  const line: SystemLine = { id: `sys-${id}`, chatId, at, fact }
  await store.put(prefix(chatId) + id, encodeJson(line))
  return line
}

export async function systemLinesOf(store: SealedStore, chatId: string): Promise<SystemLine[]> {
  return (await store.list(prefix(chatId))).map((e) => decodeJson<SystemLine>(e.value))
}

export function systemEventOf(fact: SystemFact, nameOf: (accountId: string) => string): SystemEvent {
  switch (fact.kind) {
    case "member-added":
      return { kind: "member-added", names: fact.accountIds.map(nameOf) }
    case "member-removed":
      return { kind: "member-removed", names: fact.accountIds.map(nameOf) }
    case "renamed":
      return { kind: "renamed", name: fact.name, actorName: fact.byAccountId && nameOf(fact.byAccountId) }
    case "admin-changed":
      return { kind: "admin-changed", name: nameOf(fact.accountId), admin: fact.admin }
    case "device-added":
      return { kind: "device-added", name: nameOf(fact.accountId) }
    case "created":
      return { kind: "created", actorName: fact.byAccountId && nameOf(fact.byAccountId) }
    case "friend-accepted":
      return { kind: "friend-accepted", name: nameOf(fact.accountId) }
    case "joined":
      return { kind: "joined", memberCount: fact.memberCount }
    case "removed-from-chat":
      return { kind: "removed-from-chat" }
  }
}
