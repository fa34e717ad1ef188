import { useEffect, useRef, useState, type PointerEvent } from "react"
import { useTranslation } from "react-i18next"
import { startRecording, type Recording, type VoiceNote } from "../media/voiceRecorder"

/** A press shorter than this is a tap: recording goes on until Send or Cancel. */
const TAP_MS = 300
/** How far toward the start edge a held press must slide to cancel. */
const CANCEL_SLIDE_PX = 80
const LIVE_BARS = 24

interface Hold {
  x: number
  at: number
  started: Promise<Recording | undefined>
  cancel: boolean
}

/**
 * The microphone button. Press and hold to record, release to send, slide
 * toward the start edge (left, or right in right-to-left) to cancel — with
 * pointer events, so mouse, pen and touch alike. A tap (or Enter / Space)
 * starts a recording that Send or Cancel ends, the accessible way. Either
 * way it stops by itself at 60 seconds, and a live waveform shows the sound.
 */
export function VoiceButton({
  disabled,
  onVoice,
  onVoiceError,
}: {
  disabled?: boolean
  onVoice(note: VoiceNote): void
  onVoiceError?(error: unknown): void
}) {
  const { t } = useTranslation()
  const [recording, setRecording] = useState<Recording>()
  const [mode, setMode] = useState<"hold" | "tap">()
  const [cancelArmed, setCancelArmed] = useState(false)
  const [elapsed, setElapsed] = useState(0)
  const [levels, setLevels] = useState<number[]>([])
  const hold = useRef<Hold | undefined>(undefined)
  /** Recordings already ended (the 60 s limit may end one while it is still held). */
  const ended = useRef(new WeakSet<Recording>())

  useEffect(() => {
    if (!recording) return
    const timer = setInterval(() => {
      setElapsed(recording.elapsedMs())
      setLevels(recording.recentLevels(LIVE_BARS))
    }, 100)
    return () => clearInterval(timer)
  }, [recording])

  function reset() {
    setRecording(undefined)
    setMode(undefined)
    setCancelArmed(false)
    setLevels([])
  }

  async function begin(): Promise<Recording | undefined> {
    try {
      const started = await startRecording(() => void finish(started))
      setElapsed(0)
      setRecording(started)
      return started
    } catch (e) {
      reset()
      onVoiceError?.(e)
      return undefined
    }
  }

  async function finish(which: Recording | undefined) {
    if (!which || ended.current.has(which)) return
    ended.current.add(which)
    reset()
    onVoice(await which.stop())
  }

  function cancel(which: Recording | undefined) {
    if (which && !ended.current.has(which)) {
      ended.current.add(which)
      which.cancel()
    }
    reset()
  }

  function onPointerDown(e: PointerEvent<HTMLButtonElement>) {
    if (e.button !== 0 || recording || hold.current) return
    e.currentTarget.setPointerCapture(e.pointerId)
    hold.current = { x: e.clientX, at: performance.now(), started: begin(), cancel: false }
    setMode("hold")
  }

  function onPointerMove(e: PointerEvent<HTMLButtonElement>) {
    const h = hold.current
    if (!h) return
    const towardEnd = getComputedStyle(e.currentTarget).direction === "rtl" ? -1 : 1
    h.cancel = (e.clientX - h.x) * towardEnd < -CANCEL_SLIDE_PX
    setCancelArmed(h.cancel)
  }

  async function onPointerUp() {
    const h = hold.current
    hold.current = undefined
    if (!h) return
    const started = await h.started
    if (!started) return
    if (h.cancel) return cancel(started)
    if (performance.now() - h.at < TAP_MS) return setMode("tap")
    await finish(started)
  }

  async function onPointerCancel() {
    const h = hold.current
    hold.current = undefined
    if (h) cancel(await h.started)
  }

  const holding = mode === "hold"
  return (
    <>
      {(!recording || holding) && (
        <button
          type="button"
          className={`icon-button voice-button${holding ? " holding" : ""}`}
          aria-label={t("chat.recordVoice")}
          title={t("chat.recordHint")}
          disabled={disabled}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => void onPointerUp()}
          onPointerCancel={() => void onPointerCancel()}
          onClick={(e) => {
            // Keyboard activation (no pointer went down): tap-to-start.
            if (e.detail === 0 && !recording && !hold.current) {
              setMode("tap")
              void begin()
            }
          }}
          data-testid="record-voice"
        >
          <span aria-hidden="true">🎤</span>
        </button>
      )}
      {recording && (
        <span
          className={`recording${cancelArmed ? " cancel-armed" : ""}`}
          role="status"
          data-testid="recording"
          data-mode={mode}
        >
          <span className="live-waveform" aria-hidden="true">
            {levels.map((level, i) => (
              <span
                key={i}
                className="bar"
                style={{ height: `${Math.max(10, Math.round((level / 255) * 100))}%` }}
              />
            ))}
          </span>
          {t("chat.recording", { seconds: Math.floor(elapsed / 1000) })}
          {holding ? (
            <span className="slide-hint" data-testid="slide-hint">
              {cancelArmed ? t("chat.releaseToCancel") : t("chat.slideToCancel")}
            </span>
          ) : (
            <>
              <button
                type="button"
                className="button small secondary"
                onClick={() => cancel(recording)}
                data-testid="cancel-voice"
              >
                {t("chat.cancelVoice")}
              </button>
              <button
                type="button"
                className="button small"
                onClick={() => void finish(recording)}
                data-testid="stop-voice"
              >
                {t("chat.sendVoice")}
              </button>
            </>
          )}
        </span>
      )}
    </>
  )
}
