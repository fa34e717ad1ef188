import { useTranslation } from "react-i18next"
import { useModel } from "../app/context"
import type { UploadView } from "../model/uploads"

export interface DownloadView {
  id: string
  name: string
  received: number
  total: number
}

/**
 * Attachments on their way up or down in this chat, each with a progress bar.
 * An upload can be paused and resumed, and retried after a failure, from the
 * bytes the server already holds.
 */
export function Transfers({ uploads, downloads }: { uploads: UploadView[]; downloads: DownloadView[] }) {
  const { t } = useTranslation()
  const model = useModel()
  return (
    <>
      {uploads.map((u) => {
        const label =
          u.status === "paused"
            ? t("chat.uploadPaused", { name: u.name })
            : u.status === "failed"
              ? t("chat.uploadFailed", { name: u.name })
              : t("chat.uploading", { name: u.name })
        return (
          <div className="upload" key={u.id} data-testid="upload" data-status={u.status}>
            <span>{label}</span>
            <progress
              max={Math.max(1, u.total)}
              value={u.sent}
              aria-label={label}
              data-testid="upload-progress"
            />
            {u.status === "uploading" ? (
              <button
                type="button"
                className="button small secondary"
                onClick={() => model.pauseUpload(u.id)}
                data-testid="upload-pause"
              >
                {t("chat.pause")}
              </button>
            ) : (
              <>
                <button
                  type="button"
                  className="button small"
                  // A failure is shown on the bar itself; nothing more to report here.
                  onClick={() => void model.resumeUpload(u.id).catch(() => undefined)}
                  data-testid={u.status === "paused" ? "upload-resume" : "upload-retry"}
                >
                  {u.status === "paused" ? t("chat.resume") : t("chat.retry")}
                </button>
                <button
                  type="button"
                  className="button small secondary"
                  onClick={() => model.discardUpload(u.id)}
                  data-testid="upload-discard"
                >
                  {t("chat.discardUpload")}
                </button>
              </>
            )}
          </div>
        )
      })}
      {downloads.map((d) => (
        <div className="upload" key={d.id} data-testid="download">
          <span>{t("chat.downloading", { name: d.name })}</span>
          <progress
            max={Math.max(1, d.total)}
            value={d.received}
            aria-label={t("chat.downloading", { name: d.name })}
            data-testid="download-progress"
          />
        </div>
      ))}
    </>
  )
}
