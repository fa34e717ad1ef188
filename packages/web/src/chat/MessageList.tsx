import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react"
import { useTranslation } from "react-i18next"
import { useVirtualizer } from "@tanstack/react-virtual"
import { formatDay, formatNumber } from "../i18n/format"
import type { ChatMessage } from "../model/viewTypes"
import { MessageBubble, type BubbleActions } from "./MessageBubble"
import { buildTimeline } from "./timeline"

/**
 * A chat's history as a virtualised list: only the rows on screen (plus a few)
 * are in the DOM, so ten thousand messages scroll like ten. It follows new
 * messages while the reader is at the bottom, and leaves them alone while
 * they read further up.
 */
export function MessageList({
  messages,
  firstUnreadId,
  unreadCount,
  now,
  actions,
  showSenders,
}: {
  /** Group chats name the sender above each run of their messages; direct chats need not. */
  showSenders: boolean
  messages: readonly ChatMessage[]
  firstUnreadId?: string
  unreadCount: number
  now: number
  actions: Omit<BubbleActions, "onSelect">
}) {
  const { t, i18n } = useTranslation()
  const scroller = useRef<HTMLDivElement>(null)
  const [selected, setSelected] = useState<string>()
  const items = useMemo(
    () => buildTimeline(messages, firstUnreadId, unreadCount),
    [messages, firstUnreadId, unreadCount],
  )
  const atBottom = useRef(true)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (items[i]?.kind === "message" ? 60 : 34),
    getItemKey: (i) => items[i]!.key,
    overscan: 8,
    // Let React batch scroll updates instead of re-rendering synchronously inside every scroll event.
    useFlushSync: false,
  })
  const bubbleActions = useMemo<BubbleActions>(() => ({ ...actions, onSelect: setSelected }), [actions])

  // Start at the newest message; follow new ones only while already at the bottom.
  useLayoutEffect(() => {
    if (items.length > 0 && atBottom.current) virtualizer.scrollToIndex(items.length - 1, { align: "end" })
  }, [items.length, virtualizer])

  const onScroll = useCallback(() => {
    const el = scroller.current
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
  }, [])

  const unreadIndex = items.findIndex((i) => i.kind === "unread")
  const [unreadVisible, setUnreadVisible] = useState(true)
  const range = virtualizer.range
  useEffect(() => {
    if (unreadIndex < 0 || !range) return setUnreadVisible(true)
    setUnreadVisible(unreadIndex >= range.startIndex)
  }, [unreadIndex, range])

  return (
    <div className="chat-body">
      {!unreadVisible && unreadIndex >= 0 && (
        <button
          type="button"
          className="button small jump-unread"
          onClick={() => virtualizer.scrollToIndex(unreadIndex, { align: "start" })}
          data-testid="jump-unread"
        >
          {t("chat.jumpUnread", { count: unreadCount, formatted: formatNumber(unreadCount, i18n.language) })}
        </button>
      )}
      <div
        className="messages"
        ref={scroller}
        onScroll={onScroll}
        role="log"
        aria-label={t("chat.history")}
        aria-live="polite"
        tabIndex={0}
        data-testid="message-list"
      >
        <div style={{ height: virtualizer.getTotalSize(), width: "100%", position: "relative" }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index]!
            return (
              <div
                key={row.key}
                data-index={row.index}
                ref={virtualizer.measureElement}
                style={{
                  position: "absolute",
                  top: 0,
                  insetInlineStart: 0,
                  width: "100%",
                  transform: `translateY(${row.start}px)`,
                }}
              >
                {item.kind === "day" && (
                  <div className="day-separator" data-testid="day-separator">
                    <span>{formatDay(item.at, i18n.language, now)}</span>
                  </div>
                )}
                {item.kind === "unread" && (
                  <div className="day-separator">
                    <span>{t("chat.unreadBelow")}</span>
                  </div>
                )}
                {item.kind === "message" && (
                  <MessageBubble
                    message={item.message}
                    showSender={showSenders && item.showSender}
                    selected={selected === item.message.id}
                    // Only my own recent messages depend on the clock, so the others stay memoised.
                    recallable={
                      item.message.recallableUntil !== undefined && item.message.recallableUntil > now
                    }
                    actions={bubbleActions}
                  />
                )}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
