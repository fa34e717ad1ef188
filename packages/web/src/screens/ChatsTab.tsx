import { useDeferredValue, useEffect, useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { Avatar } from "../components/Avatar"
import { formatBadge, formatListTime } from "../i18n/format"
import type { ChatSummary } from "../model/viewTypes"
import type { SearchHit } from "../model/search"

/** The chat list: newest activity first, unread counts, and a search over local history. */
export function ChatsTab({ currentChatId }: { currentChatId?: string }) {
  const { t, i18n } = useTranslation()
  const state = useAppState()
  const [query, setQuery] = useState("")
  const deferred = useDeferredValue(query.trim())
  return (
    <section className="screen" aria-labelledby="chats-title">
      <header className="topbar">
        <span className="spacer" />
        <h1 id="chats-title">{t("tabs.chats")}</h1>
        <a
          className="icon-button"
          href={hrefOf({ tab: "chats", detail: { screen: "new-group" } })}
          aria-label={t("groups.new")}
        >
          <span aria-hidden="true">＋</span>
        </a>
      </header>
      <div className="search" role="search">
        <label htmlFor="chat-search" className="visually-hidden">
          {t("chats.search")}
        </label>
        <input
          id="chat-search"
          type="search"
          placeholder={t("chats.search")}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="screen-body">
        {deferred !== "" ? (
          <SearchResults query={deferred} />
        ) : state.chats.length === 0 ? (
          <p className="placeholder">{t("chats.empty")}</p>
        ) : (
          <ul className="list" aria-label={t("tabs.chats")} data-testid="chat-list">
            {state.chats.map((chat) => (
              <ChatRow
                key={chat.id}
                chat={chat}
                now={state.now}
                lang={i18n.language}
                current={chat.id === currentChatId}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}

function ChatRow({
  chat,
  now,
  lang,
  current,
}: {
  chat: ChatSummary
  now: number
  lang: string
  current: boolean
}) {
  const { t } = useTranslation()
  const last = chat.lastMessage
  const preview = last
    ? last.recalled
      ? t("chat.recalled")
      : chat.kind === "group" && last.senderName && !last.mine
        ? `${last.senderName}: ${last.text}`
        : last.text
    : chat.pending
      ? t("chats.pending")
      : ""
  return (
    <li>
      <a
        className="row"
        href={hrefOf({ tab: "chats", detail: { screen: "chat", conversationId: chat.id } })}
        aria-current={current ? "page" : undefined}
        data-testid="chat-row"
        data-chat-id={chat.id}
      >
        <Avatar id={chat.peerId ?? chat.id} name={chat.title} />
        <span className="row-main">
          <span className="row-title">
            <span className="name">{chat.title}</span>
            {chat.activityAt > 0 && (
              <span className="time">{formatListTime(chat.activityAt, lang, now)}</span>
            )}
          </span>
          <span className="row-sub">
            <span className="preview">{preview}</span>
            {chat.unread > 0 && (
              <span
                className="badge"
                aria-label={t("chats.unread", { count: chat.unread })}
                data-testid="unread-badge"
              >
                {formatBadge(chat.unread, lang)}
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  )
}

function SearchResults({ query }: { query: string }) {
  const { t, i18n } = useTranslation()
  const model = useModel()
  const state = useAppState()
  const [hits, setHits] = useState<SearchHit[]>()
  useEffect(() => {
    let live = true
    void model.search(query).then((h) => live && setHits(h))
    return () => {
      live = false
    }
  }, [model, query])
  if (!hits) return null
  if (hits.length === 0) return <p className="placeholder">{t("chats.noResults")}</p>
  return (
    <ul className="list search-results" aria-label={t("chats.results")} data-testid="search-results">
      {hits.map((hit) => (
        <li key={`${hit.chatId}/${hit.messageId}`}>
          <a
            className="row"
            href={hrefOf({ tab: "chats", detail: { screen: "chat", conversationId: hit.chatId } })}
          >
            <span className="row-main">
              <span className="row-title">
                <span className="name">{hit.chatTitle}</span>
                <span className="time">{formatListTime(hit.at, i18n.language, state.now)}</span>
              </span>
              <span className="row-sub">
                <span className="preview">
                  <Highlight text={hit.text} query={query} />
                </span>
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  )
}

/** Marks the matched part; text nodes only, so a message can never become markup. */
function Highlight({ text, query }: { text: string; query: string }) {
  const at = text.toLocaleLowerCase().indexOf(query.toLocaleLowerCase())
  if (at < 0) return <>{text}</>
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + query.length)}</mark>
      {text.slice(at + query.length)}
    </>
  )
}
