import type { ChatMessage, ChatSummary } from "./viewTypes"

/** A message that matched a local search. Search never leaves the device. */
export interface SearchHit {
  chatId: string
  chatTitle: string
  messageId: string
  text: string
  at: number
}

/** Case-insensitive substring match over text messages, newest first, at most `limit`. */
export function searchMessages(
  query: string,
  chats: readonly ChatSummary[],
  messagesOf: (chatId: string) => readonly ChatMessage[],
  limit = 100,
): SearchHit[] {
  const needle = query.trim().toLocaleLowerCase()
  if (needle === "") return []
  const hits: SearchHit[] = []
  for (const chat of chats) {
    for (const m of messagesOf(chat.id)) {
      if (m.body.kind !== "text") continue
      if (!m.body.text.toLocaleLowerCase().includes(needle)) continue
      hits.push({ chatId: chat.id, chatTitle: chat.title, messageId: m.id, text: m.body.text, at: m.at })
    }
  }
  return hits.sort((a, b) => b.at - a.at).slice(0, limit)
}
