import {
  webBlobSource,
  type KithClient,
  type MessageView,
  type ReportedMessage,
  type ReportReason,
} from "@kith/core"
import { isPhoto, preparePhoto } from "../media/prepareMedia"
import type { VoiceNote } from "../media/voiceRecorder"
import type { Prefs } from "./appPrefs"
import type { FailedSend } from "./fromEngine"
import { Uploads, type UploadView } from "./uploads"

export interface MessageActionsDeps {
  /** The engine, waiting for it to open. */
  engine: () => Promise<KithClient>
  /** The engine's messages of a chat that is open (undefined when it is not). */
  openMessages: (chatId: string) => readonly MessageView[] | undefined
  /** Texts the engine refused outright, shared with the rendering that shows them as failed. */
  failed: FailedSend[]
  prefs: () => Prefs
  updatePrefs: (patch: Partial<Prefs>) => Promise<void>
  clearDraft: (chatId: string) => void
  showPhotoNotice: () => void
  showUploads: (uploads: UploadView[]) => void
  /** Something in this chat changed: reload it. */
  touch: (chatId: string) => void
}

/**
 * What a person can do to messages in a chat: send texts, files and voice
 * notes (with uploads that pause and resume), forward, download, retry,
 * report, delete here, set the timer, recall and mark read. Each hands the
 * work to the engine and then says which chat to reload.
 */
export class MessageActions {
  private readonly uploads: Uploads

  constructor(private readonly deps: MessageActionsDeps) {
    this.uploads = new Uploads(deps.engine, (uploads, sentTo) => {
      deps.showUploads(uploads)
      if (sentTo) deps.touch(sentTo)
    })
  }

  /**
   * Hands a text to the engine, which stores and encrypts it at once and keeps
   * it in its outbox until the server has it (offline: until reconnection).
   * The engine's view says "sending" until then, also after a reload; a send
   * the engine refuses outright stays on screen as failed, with a retry.
   */
  async sendText(chatId: string, text: string, replyTo?: string): Promise<void> {
    this.deps.clearDraft(chatId)
    const client = await this.deps.engine()
    const sending = client.sendText(chatId, text, replyTo ? { replyTo } : {})
    // The engine stores the message before it waits for the network: show it now.
    setTimeout(() => this.deps.touch(chatId), 50)
    try {
      await sending
    } catch (e) {
      this.deps.failed.push({
        localId: `failed-${crypto.randomUUID()}`,
        chatId,
        text,
        replyTo,
        at: Date.now(),
      })
      throw e
    } finally {
      this.deps.touch(chatId)
    }
  }

  /**
   * Encrypts and uploads a file or photo, then sends it. Photos are encoded
   * again first (prepareMedia.ts): their location and camera metadata never
   * leave the device — which the first photo sent says, once.
   */
  async sendFile(chatId: string, file: File): Promise<void> {
    const photo = isPhoto(file)
    if (photo && !this.deps.prefs().photoNoticeSeen) {
      void this.deps.updatePrefs({ photoNoticeSeen: true })
      this.deps.showPhotoNotice()
    }
    const input = photo
      ? await preparePhoto(file).then((prepared) => ({
          kind: "photo" as const,
          source: webBlobSource(prepared.blob),
          contentType: "image/jpeg",
          fileName: file.name.replace(/\.[^.]*$/, "") + ".jpg",
          width: prepared.width,
          height: prepared.height,
          thumbnail: prepared.thumbnail,
        }))
      : { kind: "file" as const, source: webBlobSource(file), contentType: file.type, fileName: file.name }
    await this.uploads.start(chatId, file.name, input)
  }

  /** Sends a recorded voice message (its upload can be paused and resumed like a file's). */
  async sendVoice(chatId: string, note: VoiceNote): Promise<void> {
    await this.uploads.start(chatId, "🎤", {
      kind: "voice",
      source: webBlobSource(note.blob),
      contentType: note.contentType,
      durationMs: note.durationMs,
      waveform: note.waveform,
    })
  }

  pauseUpload(id: string): void {
    this.uploads.pause(id)
  }

  /** Resumes a paused upload or retries a failed one, from what the server already holds. */
  resumeUpload(id: string): Promise<void> {
    return this.uploads.resume(id)
  }

  discardUpload(id: string): void {
    this.uploads.discard(id)
  }

  /** Sends an attachment into another chat: the same blob and key, nothing uploaded again. */
  async forward(fromChatId: string, messageId: string, toChatId: string): Promise<void> {
    await (await this.deps.engine()).forwardAttachment(fromChatId, messageId, toChatId)
    this.deps.touch(toChatId)
  }

  /** Remembers that a voice message was played here. */
  async markPlayed(chatId: string, messageId: string): Promise<void> {
    await (await this.deps.engine()).markPlayed(chatId, messageId)
    this.deps.touch(chatId)
  }

  /** Downloads and decrypts an attachment into a Blob; fails with KITH_ERR_DECRYPT rather than yield broken media. */
  async attachmentBlob(
    chatId: string,
    messageId: string,
    onProgress?: (received: number, total: number) => void,
  ): Promise<{ blob: Blob; fileName: string }> {
    const client = await this.deps.engine()
    const message = this.deps.openMessages(chatId)?.find((m) => m.id === messageId)
    if (!message?.attachment) throw new Error("no such attachment")
    const parts: Uint8Array<ArrayBuffer>[] = []
    for await (const part of client.downloadAttachment(message.attachment, { onProgress }))
      parts.push(new Uint8Array(part))
    const a = message.attachment
    return {
      blob: new Blob(parts, { type: a.contentType || "application/octet-stream" }),
      fileName: a.fileName,
    }
  }

  /** Sends a failed message again: one the engine refused, or one the server refused (resent under its id). */
  async retry(chatId: string, localId: string): Promise<void> {
    const failed = this.deps.failed
    const index = failed.findIndex((f) => f.localId === localId && f.chatId === chatId)
    if (index < 0) {
      await (await this.deps.engine()).resend(chatId, localId)
      return this.deps.touch(chatId)
    }
    const [entry] = failed.splice(index, 1)
    this.deps.touch(chatId)
    await this.sendText(chatId, entry!.text, entry!.replyTo)
  }

  /** Exactly what reporting these messages would send to the operator (the consent dialog shows it). */
  async reportPreview(chatId: string, messageIds: string[]): Promise<ReportedMessage[]> {
    return (await this.deps.engine()).reportPreview(chatId, messageIds)
  }

  /** Sends the chosen messages to the operator; call only after the user consented. */
  async report(chatId: string, messageIds: string[], reason: ReportReason): Promise<void> {
    await (await this.deps.engine()).report(chatId, messageIds, reason)
  }

  /** Deletes a message's plaintext from this device's store; nobody else is told. */
  async deleteForMe(chatId: string, messageId: string): Promise<void> {
    await (await this.deps.engine()).deleteForMe(chatId, [messageId])
    this.deps.touch(chatId)
  }

  /** Sets the chat's disappearing-messages timer for every member (0 turns it off). */
  async setDisappearingTimer(chatId: string, timerMs: number): Promise<void> {
    await (await this.deps.engine()).setDisappearingTimer(chatId, timerMs)
    this.deps.touch(chatId)
  }

  async recall(chatId: string, messageId: string): Promise<void> {
    await (await this.deps.engine()).recall(chatId, messageId)
    this.deps.touch(chatId)
  }

  /**
   * Marks what arrived in a chat as read. With read receipts on, the engine
   * marks them and tells the senders; with them off, nothing is sent and the
   * web app remembers here what was read (the engine has no silent mark).
   */
  async markRead(chatId: string): Promise<void> {
    const views = this.deps.openMessages(chatId)
    if (!views) return
    const prefs = this.deps.prefs()
    const silently = new Set(prefs.readSilently[chatId] ?? [])
    const unread = views.filter((m) => !m.outgoing && !m.read && m.kind === "text" && !silently.has(m.id))
    if (unread.length === 0) return
    const ids = unread.map((m) => m.id)
    if (prefs.readReceipts) {
      await (await this.deps.engine()).markRead(chatId, ids)
    } else {
      await this.deps.updatePrefs({
        readSilently: { ...prefs.readSilently, [chatId]: [...silently, ...ids] },
      })
    }
    this.deps.touch(chatId)
  }
}
