import { useEffect, useRef, useState } from "react"
import { useTranslation } from "react-i18next"

/**
 * A voice message: its waveform, a play/pause button and how far it has
 * played. The sound is downloaded and decrypted on the first press.
 */
export function VoicePlayer({
  waveform,
  played,
  load,
  onPlayed,
}: {
  waveform: number[]
  played: boolean
  load(): Promise<Blob>
  onPlayed(): void
}) {
  const { t } = useTranslation()
  const audio = useRef<HTMLAudioElement | null>(null)
  const [playing, setPlaying] = useState(false)
  const [progress, setProgress] = useState(0)
  const [busy, setBusy] = useState(false)
  useEffect(
    () => () => {
      if (audio.current) {
        audio.current.pause()
        URL.revokeObjectURL(audio.current.src)
      }
    },
    [],
  )

  async function toggle() {
    if (audio.current && playing) {
      audio.current.pause()
      return
    }
    if (!audio.current) {
      setBusy(true)
      try {
        const element = new Audio(URL.createObjectURL(await load()))
        element.ontimeupdate = () =>
          setProgress(
            element.duration > 0 && isFinite(element.duration) ? element.currentTime / element.duration : 0,
          )
        element.onplay = () => setPlaying(true)
        element.onpause = () => setPlaying(false)
        element.onended = () => {
          setPlaying(false)
          setProgress(1)
        }
        audio.current = element
      } finally {
        setBusy(false)
      }
    }
    await audio.current.play()
    if (!played) onPlayed()
  }

  return (
    <span className="voice" data-testid="voice-player" data-played={played} data-playing={playing}>
      <button
        type="button"
        className="icon-button"
        disabled={busy}
        onClick={(e) => {
          e.stopPropagation()
          void toggle()
        }}
        aria-label={playing ? t("chat.pauseVoice") : t("chat.playVoice")}
        data-testid="play-voice"
      >
        <span aria-hidden="true">{playing ? "⏸" : "▶"}</span>
      </button>
      <span className="waveform" aria-hidden="true">
        {waveform.map((level, i) => (
          <span
            key={i}
            className={i / waveform.length < progress ? "bar done" : "bar"}
            style={{ height: `${Math.max(8, Math.round((level / 255) * 100))}%` }}
          />
        ))}
      </span>
      <progress max={1} value={progress} aria-label={t("chat.voiceProgress")} data-testid="voice-progress" />
      {!played && <span className="unplayed" aria-label={t("chat.unplayed")} data-testid="unplayed" />}
    </span>
  )
}
