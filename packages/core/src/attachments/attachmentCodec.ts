import { create } from "@bufbuild/protobuf"
import { content as pb, MAX_ATTACHMENT_BYTES, toBase64Url } from "@kith/protocol"
import { b64 } from "../records"
import type { AttachmentView } from "../views"

const kinds = {
  file: pb.AttachmentKind.FILE,
  photo: pb.AttachmentKind.PHOTO,
  voice: pb.AttachmentKind.VOICE,
} as const

function kindOf(kind: pb.AttachmentKind): AttachmentView["kind"] {
  switch (kind) {
    case pb.AttachmentKind.PHOTO:
      return "photo"
    case pb.AttachmentKind.VOICE:
      return "voice"
    default:
      return "file"
  }
}

const clip = (text: string, max: number) => text.slice(0, max)

/** A received attachment as a view, or undefined if it cannot be a real one (then it is dropped). */
export function attachmentView(a: pb.Attachment): AttachmentView | undefined {
  const size = Number(a.size)
  if (a.blobId.length !== 16 || a.key.length !== 32 || a.digest.length !== 32) return undefined
  if (!Number.isSafeInteger(size) || size > MAX_ATTACHMENT_BYTES) return undefined
  const view: AttachmentView = {
    kind: kindOf(a.kind),
    blobId: toBase64Url(a.blobId),
    key: toBase64Url(a.key),
    digest: toBase64Url(a.digest),
    size,
    contentType: clip(a.contentType, 200),
    fileName: clip(a.fileName.replace(/[/\\\0]/g, "_"), 255),
  }
  if (a.width > 0 && a.height > 0) Object.assign(view, { width: a.width, height: a.height })
  if (a.thumbnail.length > 0 && a.thumbnail.length <= 64 * 1024) view.thumbnail = toBase64Url(a.thumbnail)
  if (a.blurhash !== "") view.blurhash = clip(a.blurhash, 100)
  if (a.durationMs > 0) view.durationMs = a.durationMs
  if (a.waveform.length > 0) view.waveform = [...a.waveform.subarray(0, 256)]
  return view
}

/** The wire form of an attachment this device sends or forwards. */
export function attachmentMessage(view: AttachmentView, caption: string): pb.Attachment {
  return create(pb.AttachmentSchema, {
    blobId: b64(view.blobId),
    key: b64(view.key),
    digest: b64(view.digest),
    size: BigInt(view.size),
    kind: kinds[view.kind],
    contentType: view.contentType,
    fileName: view.fileName,
    caption,
    width: view.width ?? 0,
    height: view.height ?? 0,
    thumbnail: view.thumbnail === undefined ? new Uint8Array() : b64(view.thumbnail),
    blurhash: view.blurhash ?? "",
    durationMs: view.durationMs ?? 0,
    waveform: new Uint8Array(view.waveform ?? []),
  })
}
