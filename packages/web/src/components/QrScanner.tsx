import { useEffect, useRef, useState } from "react"
import { useTranslation } from "react-i18next"

/**
 * Reads a QR code from the camera (asked for only when the person taps "Scan")
 * or from an uploaded picture. Decoding happens on the device; nothing leaves it.
 */
export function QrScanner({ onCode }: { onCode: (text: string) => void }) {
  const { t } = useTranslation()
  const [scanning, setScanning] = useState(false)
  const [error, setError] = useState<string>()

  async function fromFile(file: File) {
    setError(undefined)
    try {
      const bitmap = await createImageBitmap(file)
      const code = decode(await loadDecoder(), bitmap, bitmap.width, bitmap.height)
      bitmap.close()
      if (code) onCode(code)
      else setError(t("qr.notFound"))
    } catch {
      setError(t("qr.notFound"))
    }
  }

  return (
    <div className="scanner">
      <div className="button-row">
        <button type="button" className="button secondary" onClick={() => setScanning((s) => !s)}>
          {scanning ? t("qr.stopCamera") : t("qr.scan")}
        </button>
        <label className="button secondary">
          {t("qr.upload")}
          <input
            type="file"
            accept="image/*"
            className="visually-hidden"
            data-testid="qr-upload"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) void fromFile(file)
              e.target.value = ""
            }}
          />
        </label>
      </div>
      {scanning && (
        <Camera
          onCode={(c) => {
            setScanning(false)
            onCode(c)
          }}
          onError={() => {
            setScanning(false)
            setError(t("qr.noCamera"))
          }}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  )
}

function Camera({ onCode, onError }: { onCode: (text: string) => void; onError: () => void }) {
  const { t } = useTranslation()
  const video = useRef<HTMLVideoElement>(null)
  // The callbacks change every render; the camera must not restart with them.
  const handlers = useRef({ onCode, onError })
  handlers.current = { onCode, onError }
  useEffect(() => {
    const onCode = (text: string) => handlers.current.onCode(text)
    const onError = () => handlers.current.onError()
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setInterval> | undefined
    let stopped = false
    if (!navigator.mediaDevices?.getUserMedia) {
      onError()
      return
    }
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(async (s) => {
        const jsQR = await loadDecoder()
        if (stopped) return s.getTracks().forEach((tr) => tr.stop())
        stream = s
        const v = video.current!
        v.srcObject = s
        void v.play()
        timer = setInterval(() => {
          if (v.videoWidth === 0) return
          const code = decode(jsQR, v, v.videoWidth, v.videoHeight)
          if (code) onCode(code)
        }, 250)
      })
      .catch(onError)
    return () => {
      stopped = true
      if (timer) clearInterval(timer)
      stream?.getTracks().forEach((tr) => tr.stop())
    }
  }, [])
  return <video ref={video} muted playsInline aria-label={t("qr.camera")} />
}

type Decoder = typeof import("jsqr").default

/** The QR decoder is loaded only when someone scans, keeping it out of the start bundle. */
async function loadDecoder(): Promise<Decoder> {
  return (await import("jsqr")).default
}

function decode(jsQR: Decoder, source: CanvasImageSource, width: number, height: number): string | undefined {
  const scale = Math.min(1, 1024 / Math.max(width, height))
  const w = Math.max(1, Math.round(width * scale))
  const h = Math.max(1, Math.round(height * scale))
  const canvas = new OffscreenCanvas(w, h)
  const ctx = canvas.getContext("2d", { willReadFrequently: true })
  if (!ctx) return undefined
  ctx.drawImage(source, 0, 0, w, h)
  const image = ctx.getImageData(0, 0, w, h)
  return jsQR(image.data, w, h)?.data || undefined
}
