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
            <Progress label={label} done={u.sent} total={u.total} testId="upload-progress" />
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
          <Progress
            label={t("chat.downloading", { name: d.name })}
            done={d.received}
            total={d.total}
            testId="download-progress"
          />
        </div>
      ))}
    </>
  )
}

/** What is on its way, in words, and its bar, which says the same to screen readers. */
function Progress({
  label,
  done,
  total,
  testId,
}: {
  label: string
  done: number
  total: number
  testId: string
}) {
  return (
    <>
      <span>{label}</span>
      <progress max={Math.max(1, total)} value={done} aria-label={label} data-testid={testId} />
    </>
  )
}
