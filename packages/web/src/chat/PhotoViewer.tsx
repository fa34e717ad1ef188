import { useEffect, useRef } from "react"
import { useTranslation } from "react-i18next"

/** A decrypted photo over the whole screen; Escape, the button or a click outside closes it. */
export function PhotoViewer({ url, onClose }: { url: string; onClose(): void }) {
  const { t } = useTranslation()
  const close = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    close.current?.focus()
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose()
    document.addEventListener("keydown", onKey)
    return () => document.removeEventListener("keydown", onKey)
  }, [onClose])
  return (
    <div
      className="photo-viewer"
      role="dialog"
      aria-modal="true"
      aria-label={t("chat.attachmentPhoto")}
      onClick={onClose}
      data-testid="photo-viewer"
    >
      <img src={url} alt="" data-testid="photo-viewer-image" onClick={(e) => e.stopPropagation()} />
      <button
        ref={close}
        type="button"
        className="button small secondary"
        onClick={onClose}
        data-testid="close-viewer"
      >
        {t("chat.closePhoto")}
      </button>
    </div>
  )
}
