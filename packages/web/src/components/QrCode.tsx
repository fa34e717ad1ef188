import { useEffect, useState } from "react"

/** Draws `text` as a QR code image (a data: URL; the CSP allows data: images only). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [url, setUrl] = useState<string>()
  useEffect(() => {
    let live = true
    // Loaded on first use: most screens show no QR code.
    import("qrcode")
      .then((qr) => qr.toDataURL(text, { margin: 2, width: 240, errorCorrectionLevel: "M" }))
      .then((u) => live && setUrl(u))
    return () => {
      live = false
    }
  }, [text])
  return url ? <img className="qr" src={url} alt={label} width={240} height={240} /> : null
}
