import { useCallback, useEffect, useMemo, useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf } from "../app/route"
import { TopBar } from "../components/TopBar"
import { Avatar } from "../components/Avatar"
import type { ChatMessage } from "../model/viewTypes"
import { Composer } from "./Composer"
import { PhotoViewer } from "./PhotoViewer"
import { ForwardPicker } from "./ForwardPicker"
import { ReportDialog } from "./ReportDialog"
import { Transfers, type DownloadView } from "./Transfers"
import { MessageList } from "./MessageList"
import { firstUnreadOf } from "./timeline"
import { errorText } from "../screens/useAsyncAction"
import { isolate } from "../i18n/bidi"

/** Hands a decrypted attachment to the browser's own download. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement("a")
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Refused devices and changed keys are attacks or mistakes worth a distinct, plain warning. */
const warningText = {
  "device-added": "warnings.newDevice",
  "device-refused": "warnings.deviceRefused",
  "key-changed": "warnings.keyChanged",
} as const

/** One conversation: its history, warnings about new devices, and the composer. */
export function ChatScreen({ chatId }: { chatId: string }) {
  const { t } = useTranslation()
  const model = useModel()
  const state = useAppState()
  const chat = state.chats.find((c) => c.id === chatId)
  const messages = state.messages[chatId]
  const [replyTo, setReplyTo] = useState<ChatMessage>()
  const [error, setError] = useState<string>()
  const [viewer, setViewer] = useState<string>()
  const closeViewer = useCallback(() => {
    setViewer((url) => {
      if (url) URL.revokeObjectURL(url)
      return undefined
    })
  }, [])
  const uploads = state.uploads.filter((u) => u.chatId === chatId)
  const [downloads, setDownloads] = useState<DownloadView[]>([])
  const [forwarding, setForwarding] = useState<string>()
  const [reporting, setReporting] = useState<string>()
  // Where the unread marker sits is decided when the chat opens, then kept while reading.
  const [unread, setUnread] = useState<{ id?: string; count: number }>()

  useEffect(() => {
    setUnread(undefined)
    setReplyTo(undefined)
    return model.openChat(chatId)
  }, [model, chatId])

  useEffect(() => {
    if (!unread && messages && chat)
      setUnread({ id: firstUnreadOf(messages, chat.unread), count: chat.unread })
  }, [unread, messages, chat])

  // Reading: mark what is on screen as read while the page is visible.
  useEffect(() => {
    if (!chat || chat.unread === 0) return
    const mark = () => document.visibilityState === "visible" && void model.markRead(chatId)
    mark()
    document.addEventListener("visibilitychange", mark)
    return () => document.removeEventListener("visibilitychange", mark)
  }, [model, chatId, chat, messages])

  const fail = useCallback((e: unknown) => setError(errorText(t, e)), [t])
  const actions = useMemo(
    () => ({
      onReply: (m: ChatMessage) => setReplyTo(m),
      onRecall: (m: ChatMessage) => void model.recall(chatId, m.id).catch(fail),
      onDeleteForMe: (m: ChatMessage) => void model.deleteForMe(chatId, m.id).catch(fail),
      onRetry: (m: ChatMessage) => void model.retry(chatId, m.id).catch(fail),
      onSave: (m: ChatMessage) => {
        const name = m.body.kind === "attachment" ? m.body.fileName : ""
        const download: DownloadView = { id: m.id, name, received: 0, total: 1 }
        setDownloads((all) => [...all.filter((d) => d.id !== m.id), download])
        const progress = (received: number, total: number) =>
          setDownloads((all) => all.map((d) => (d.id === m.id ? { ...d, received, total } : d)))
        void model
          .attachmentBlob(chatId, m.id, progress)
          .then(({ blob, fileName }) => saveBlob(blob, fileName || "attachment"))
          .catch(fail)
          .finally(() => setDownloads((all) => all.filter((d) => d.id !== m.id)))
      },
      onForward: (m: ChatMessage) => setForwarding(m.id),
      onReport: (m: ChatMessage) => setReporting(m.id),
      loadAttachment: (m: ChatMessage) =>
        model.attachmentBlob(chatId, m.id).then(
          ({ blob }) => blob,
          (e: unknown) => {
            fail(e)
            throw e
          },
        ),
      onPlayed: (m: ChatMessage) => void model.markPlayed(chatId, m.id).catch(fail),
      onOpenPhoto: (m: ChatMessage) =>
        void model
          .attachmentBlob(chatId, m.id)
          .then(({ blob }) => setViewer(URL.createObjectURL(blob)))
          .catch(fail),
    }),
    [model, chatId, fail],
  )
  const warnings = state.warnings.filter((w) => chat?.memberIds.includes(w.accountId))

  if (!chat) {
    return (
      <section className="screen">
        <TopBar title="" back={hrefOf({ tab: "chats" })} />
        <p className="placeholder">{t("chat.notFound")}</p>
      </section>
    )
  }
  return (
    <section className="chat" aria-labelledby="chat-title">
      <header className="topbar">
        <a className="icon-button back-link" href={hrefOf({ tab: "chats" })} aria-label={t("common.back")}>
          <span className="flip-rtl" aria-hidden="true">
            ‹
          </span>
        </a>
        <Avatar id={chat.peerId ?? chat.id} name={chat.title} />
        <h1 id="chat-title" data-testid="chat-title">
          {chat.title}
        </h1>
        <a
          className="icon-button"
          href={hrefOf({ tab: "chats", detail: { screen: "chat-info", conversationId: chatId } })}
          aria-label={t("chat.info")}
          data-testid="chat-info"
        >
          <span aria-hidden="true">⋯</span>
        </a>
      </header>
      {warnings.map((w) => (
        <div
          className="banner warning"
          role="alert"
          key={w.id}
          data-testid="device-warning"
          data-kind={w.kind}
        >
          {t(warningText[w.kind], { name: isolate(w.name) })}{" "}
          <a href={hrefOf({ tab: "contacts", detail: { screen: "safety", accountId: w.accountId } })}>
            {t("safety.verify")}
          </a>{" "}
          <button type="button" className="button small secondary" onClick={() => model.dismissWarning(w.id)}>
            {t("common.dismiss")}
          </button>
        </div>
      ))}
      {error && (
        <div className="banner warning" role="alert">
          {error}{" "}
          <button type="button" className="button small secondary" onClick={() => setError(undefined)}>
            {t("common.dismiss")}
          </button>
        </div>
      )}
      {messages ? (
        <MessageList
          messages={messages}
          firstUnreadId={unread?.id}
          unreadCount={unread?.count ?? 0}
          now={state.now}
          actions={actions}
          showSenders={chat.kind === "group"}
        />
      ) : (
        <p className="placeholder">{t("common.loading")}</p>
      )}
      {viewer && <PhotoViewer url={viewer} onClose={closeViewer} />}
      {forwarding && (
        <ForwardPicker
          fromChatId={chatId}
          onClose={() => setForwarding(undefined)}
          onPick={(to) => {
            setForwarding(undefined)
            void model.forward(chatId, forwarding, to).catch(fail)
          }}
        />
      )}
      {reporting && messages && (
        <ReportDialog
          chatId={chatId}
          messages={messages}
          firstId={reporting}
          onClose={() => setReporting(undefined)}
        />
      )}
      {state.photoNotice && (
        <div className="notice" role="status" data-testid="photo-notice">
          <span>{t("chat.photoNotice")}</span>
          <button type="button" className="button small secondary" onClick={() => model.dismissPhotoNotice()}>
            {t("common.dismiss")}
          </button>
        </div>
      )}
      <Transfers uploads={uploads} downloads={downloads} />
      <Composer
        key={chatId}
        initialDraft={model.draftOf(chatId)}
        replyTo={replyTo}
        disabled={chat.left === true}
        onCancelReply={() => setReplyTo(undefined)}
        onDraft={(text) => model.setDraft(chatId, text)}
        onVoice={(note) => void model.sendVoice(chatId, note).catch(fail)}
        onVoiceError={fail}
        onAttach={(file) => void model.sendFile(chatId, file).catch(fail)}
        onSend={(text) => {
          const reply = replyTo?.id
          setReplyTo(undefined)
          void model.sendText(chatId, text, reply).catch(fail)
        }}
      />
    </section>
  )
}
