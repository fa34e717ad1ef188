import type { AttachmentInput, KithClient, UploadResume } from "@kith/core"
import { ErrorCode, KithError } from "@kith/protocol"

/** One attachment on its way to the server, as the chat shows it. */
export interface UploadView {
  id: string
  chatId: string
  name: string
  /** Bytes of the padded blob at the server, out of its length. */
  sent: number
  total: number
  status: "uploading" | "paused" | "failed"
  error?: string
}

interface Entry {
  view: UploadView
  input: AttachmentInput
  /** Set once the server created the blob: pausing or a failure keeps what it holds. */
  resume?: UploadResume
  controller?: AbortController
}

/**
 * The uploads in progress, paused or failed. Pausing aborts the upload's
 * signal (the bytes sent stay at the server); resuming and retrying continue
 * from the server's offset under the same key, with the same prepared input
 * (a photo is not encoded again), so nothing is sent twice.
 */
export class Uploads {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly client: () => Promise<KithClient>,
    private readonly changed: (views: UploadView[], sentTo?: string) => void,
  ) {}

  views(): UploadView[] {
    return [...this.entries.values()].map((e) => e.view)
  }

  start(chatId: string, name: string, input: AttachmentInput): Promise<void> {
    const id = crypto.randomUUID()
    const entry: Entry = {
      view: { id, chatId, name, sent: 0, total: input.source.size, status: "uploading" },
      input,
    }
    this.entries.set(id, entry)
    return this.run(entry)
  }

  pause(id: string): void {
    this.entries.get(id)?.controller?.abort()
  }

  /** Resumes a paused upload, or retries a failed one (from the server's offset when it had begun). */
  resume(id: string): Promise<void> {
    const entry = this.entries.get(id)
    if (!entry || entry.view.status === "uploading") return Promise.resolve()
    return this.run(entry)
  }

  /** Gives up on an upload that is paused or failed; the part at the server (and the quota it holds) goes too. */
  discard(id: string): void {
    const entry = this.entries.get(id)
    if (!entry || entry.view.status === "uploading") return
    this.entries.delete(id)
    this.changed(this.views())
    const resume = entry.resume
    // Best effort: a part left behind expires with the blob store's sweep anyway.
    if (resume) void this.client().then((c) => c.abandonUpload(resume).catch(() => undefined))
  }

  private update(entry: Entry, patch: Partial<UploadView>): void {
    entry.view = { ...entry.view, ...patch }
    this.changed(this.views())
  }

  private async run(entry: Entry): Promise<void> {
    const controller = new AbortController()
    entry.controller = controller
    this.update(entry, { status: "uploading", error: undefined })
    try {
      const client = await this.client()
      await client.sendAttachment(entry.view.chatId, entry.input, {
        signal: controller.signal,
        resume: entry.resume,
        onResumable: (resume) => (entry.resume = resume),
        onProgress: (sent, total) => this.update(entry, { sent, total }),
      })
      this.entries.delete(entry.view.id)
      this.changed(this.views(), entry.view.chatId)
    } catch (e) {
      if (controller.signal.aborted) return this.update(entry, { status: "paused" })
      const error = e instanceof KithError ? e.code : ErrorCode.Internal
      this.update(entry, { status: "failed", error })
      throw e
    }
  }
}
