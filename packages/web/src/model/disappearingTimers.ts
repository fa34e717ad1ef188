import { Limits } from "@kith/protocol"

const labelKey: Record<number, string> = {
  0: "disappearing.off",
  30_000: "disappearing.seconds30",
  300_000: "disappearing.minutes5",
  3_600_000: "disappearing.hour1",
  86_400_000: "disappearing.day1",
  604_800_000: "disappearing.week1",
}

/** The timers a chat may be set to, in the order a picker lists them, with the translation key of each. */
export const disappearingTimers: readonly { ms: number; label: string }[] = Limits.disappearingTimersMs.map(
  (ms) => ({ ms, label: labelKey[ms] ?? "disappearing.off" }),
)

export const timerLabel = (ms: number): string => labelKey[ms] ?? "disappearing.off"
