import { ErrorCode, KithError, MAX_ATTACHMENT_BYTES, toBase64Url } from "@kith/protocol"
import { Batch } from "../batch"
import type { Engine } from "../engine"
import { appendMessage, findMessage, putMessage, toView } from "../messageLog"
import { sendContent } from "../send"
import type { AttachmentView, MessageView } from "../views"
import { attachmentMessage } from "./attachmentCodec"
import type { BlobSource } from "./blobCipher"
import { downloadBlob, type DownloadOptions } from "./download"
import { deleteBlob, uploadBlob, type BlobEndpoint, type UploadOptions } from "./tusUpload"
import { b64 } from "../records"

/** What the user picked or recorded, and what the recipients should see before downloading. */
export interface AttachmentInput {
  kind: AttachmentView["kind"]
  source: BlobSource
  contentType?: string
  fileName?: string
  caption?: string
  width?: number
  height?: number
  /** A small JPEG preview (a few KB): it travels inside the message itself. */
  thumbnail?: Uint8Array
  blurhash?: string
  durationMs?: number
  waveform?: number[]
}

/** What continuing a paused or failed upload needs: the blob at the server and the key it is sealed under. */
export interface UploadResume {
  blobId: string
  /** base64url; sealing is deterministic, so the rest is sealed exactly as the first part was. */
  key: string
}

export interface SendAttachmentOptions extends Omit<UploadOptions, "resumeBlobId" | "onCreated"> {
  /** Continues an earlier attempt (same source) from what the server holds, instead of starting again. */
  resume?: UploadResume
  /** Told, once the upload has begun, how to resume it if it is paused (its signal) or fails. */
  onResumable?: (resume: UploadResume) => void
}

export function blobEndpoint(engine: Engine): BlobEndpoint {
  return {
    baseUrl: engine.anonymousApi.baseUrl,
    token: (refresh) => engine.session.current(refresh),
    clock: engine.clock,
    random: engine.random,
  }
}

function requireActive(engine: Engine, conversationId: string): void {
  const status = engine.conversations.get(conversationId)?.status
  if (status === "incoming-request" || status === "outgoing-request" || status === "declined") {
    throw new KithError(ErrorCode.NotAFriend, "the friend request has not been accepted")
  }
  if (status !== "active")
    throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
}

/**
 * Encrypts and uploads a file under a fresh key, then sends the key, digest
 * and description inside an end-to-end message. Too large a file is refused
 * before a byte is read.
 */
export async function sendAttachment(
  engine: Engine,
  conversationId: string,
  input: AttachmentInput,
  options: SendAttachmentOptions = {},
): Promise<MessageView> {
  requireActive(engine, conversationId)
  if (input.source.size > MAX_ATTACHMENT_BYTES) {
    throw new KithError(
      ErrorCode.TooLarge,
      `attachments may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`,
    )
  }
  const { resume, onResumable, ...upload } = options
  const key = resume ? b64(resume.key) : engine.random(32)
  if (key.length !== 32) throw new KithError(ErrorCode.BadRequest, "not an upload key")
  const uploaded = await uploadBlob(blobEndpoint(engine), input.source, key, {
    ...upload,
    resumeBlobId: resume?.blobId,
    onCreated: (blobId) => onResumable?.({ blobId, key: toBase64Url(key) }),
  })
  const view: AttachmentView = {
    kind: input.kind,
    blobId: uploaded.blobId,
    key: toBase64Url(key),
    digest: toBase64Url(uploaded.digest),
    size: input.source.size,
    contentType: input.contentType ?? "",
    fileName: input.fileName ?? "",
    ...(input.width && input.height ? { width: input.width, height: input.height } : {}),
    ...(input.thumbnail ? { thumbnail: toBase64Url(input.thumbnail) } : {}),
    ...(input.blurhash ? { blurhash: input.blurhash } : {}),
    ...(input.durationMs ? { durationMs: Math.round(input.durationMs) } : {}),
    ...(input.waveform ? { waveform: input.waveform.map((v) => Math.max(0, Math.min(255, v | 0))) } : {}),
  }
  return sendAttachmentMessage(engine, conversationId, view, input.caption ?? "")
}

/** Sends an attachment already at the server to another conversation: the same blob, no new upload. */
export async function forwardAttachment(
  engine: Engine,
  fromConversationId: string,
  messageId: string,
  toConversationId: string,
): Promise<MessageView> {
  requireActive(engine, toConversationId)
  const original = await findMessage(engine.store, fromConversationId, messageId)
  if (!original?.attachment || original.recalled) {
    throw new KithError(ErrorCode.NotFound, "no attachment message with that id")
  }
  const { played: _played, ...view } = original.attachment
  return sendAttachmentMessage(engine, toConversationId, view, original.body)
}

async function sendAttachmentMessage(
  engine: Engine,
  conversationId: string,
  view: AttachmentView,
  caption: string,
): Promise<MessageView> {
  const sent = await sendContent(
    engine,
    conversationId,
    { case: "attachment", value: attachmentMessage(view, caption) },
    (conversation, sent, batch) => {
      sent.record = appendMessage(batch, conversation, {
        id: sent.messageId,
        kind: "attachment",
        senderAccountId: engine.myAccountId,
        senderDeviceId: engine.myDeviceId,
        sentAtMs: sent.sentAtMs,
        receivedAtMs: sent.sentAtMs,
        body: caption,
        recalled: false,
        outgoing: true,
        read: true,
        readBy: [],
        attachment: view.kind === "voice" ? { ...view, played: true } : view,
        expiresAtMs: sent.expiresAtMs,
      })
    },
  )
  return toView(conversationId, sent.record!)
}

/** The attachment's plaintext, decrypted as it downloads (see downloadBlob: tentative until the end). */
export function downloadAttachment(
  engine: Engine,
  attachment: AttachmentView,
  options: DownloadOptions = {},
): AsyncGenerator<Uint8Array> {
  return downloadBlob(
    engine.anonymousApi.baseUrl,
    {
      blobId: attachment.blobId,
      key: b64(attachment.key),
      size: attachment.size,
      digest: b64(attachment.digest),
    },
    options,
  )
}

/** Remembers on this device that a voice message was played. */
export async function markPlayed(engine: Engine, conversationId: string, messageId: string): Promise<void> {
  await engine.groups.lock(conversationId, async () => {
    const message = await findMessage(engine.store, conversationId, messageId)
    if (!message?.attachment || message.attachment.kind !== "voice" || message.attachment.played) return
    const batch = new Batch()
    putMessage(batch, conversationId, { ...message, attachment: { ...message.attachment, played: true } })
    await engine.apply(batch)
  })
}

/** Gives up a paused or failed upload: its part at the server goes now, with the quota it reserved. */
export async function abandonUpload(engine: Engine, resume: UploadResume): Promise<void> {
  await deleteBlob(blobEndpoint(engine), resume.blobId)
}

/** The sender's deletion: the blob goes at once (a recalled attachment leaves nothing at the server). */
export async function deleteAttachmentBlob(engine: Engine, attachment: AttachmentView): Promise<void> {
  await deleteBlob(blobEndpoint(engine), attachment.blobId)
}
