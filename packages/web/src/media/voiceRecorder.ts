/**
 * Records a voice message from the microphone: Opus in WebM where the
 * browser has it, at most 60 seconds, with a coarse waveform (48 bars of
 * loudness, 0–255) measured while recording so it costs nothing to draw later.
 */
export const MAX_VOICE_MS = 60_000
const BARS = 48

export interface VoiceNote {
  blob: Blob
  contentType: string
  durationMs: number
  waveform: number[]
}

export interface Recording {
  /** Milliseconds recorded so far. */
  elapsedMs(): number
  /** The loudness of the last `count` moments (0–255, scaled to the loudest so far), for a live waveform. */
  recentLevels(count: number): number[]
  /** Ends the recording (it also ends by itself at 60 s). */
  stop(): Promise<VoiceNote>
  /** Ends it and throws the sound away. */
  cancel(): void
}

export async function startRecording(onLimit: () => void): Promise<Recording> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true })
  const contentType = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : ""
  const recorder = new MediaRecorder(stream, contentType ? { mimeType: contentType } : {})
  const chunks: Blob[] = []
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data)
  }
  const audio = new AudioContext()
  const analyser = audio.createAnalyser()
  analyser.fftSize = 512
  audio.createMediaStreamSource(stream).connect(analyser)
  const samples = new Float32Array(analyser.fftSize)
  const levels: number[] = []
  const sampler = setInterval(() => {
    analyser.getFloatTimeDomainData(samples)
    let sum = 0
    for (const s of samples) sum += s * s
    levels.push(Math.sqrt(sum / samples.length))
  }, 50)
  const started = performance.now()
  const limit = setTimeout(onLimit, MAX_VOICE_MS)
  recorder.start(250)

  function release() {
    clearInterval(sampler)
    clearTimeout(limit)
    for (const track of stream.getTracks()) track.stop()
    void audio.close()
  }
  return {
    elapsedMs: () => performance.now() - started,
    recentLevels(count) {
      const peak = Math.max(1e-6, ...levels.slice(-200))
      return levels.slice(-count).map((v) => Math.round((v / peak) * 255))
    },
    cancel() {
      recorder.onstop = null
      if (recorder.state !== "inactive") recorder.stop()
      release()
    },
    stop() {
      const durationMs = Math.min(MAX_VOICE_MS, performance.now() - started)
      return new Promise((resolve) => {
        recorder.onstop = () => {
          release()
          const type = recorder.mimeType || contentType || "audio/webm"
          resolve({ blob: new Blob(chunks, { type }), contentType: type, durationMs, waveform: bars(levels) })
        }
        recorder.stop()
      })
    },
  }
}

/** Loudness per bar, scaled so the loudest bar is 255. */
function bars(levels: number[]): number[] {
  if (levels.length === 0) return []
  const out: number[] = []
  for (let i = 0; i < BARS; i++) {
    const from = Math.floor((i * levels.length) / BARS)
    const to = Math.max(from + 1, Math.floor(((i + 1) * levels.length) / BARS))
    out.push(Math.max(...levels.slice(from, to)))
  }
  const peak = Math.max(...out, 1e-6)
  return out.map((v) => Math.round((v / peak) * 255))
}
