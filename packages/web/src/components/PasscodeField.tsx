/**
 * A passcode input with its label (and hint): the lock screen and the app
 * lock settings ask for passcodes the same way, never shown, never
 * autocorrected, and telling password managers which passcode it is.
 */
export function PasscodeField({
  id,
  label,
  value,
  onChange,
  purpose,
  hint,
  autoFocus,
}: {
  id: string
  label: string
  value: string
  onChange(value: string): void
  /** The one to enter (current) or one being chosen (new). */
  purpose: "current" | "new"
  hint?: string
  autoFocus?: boolean
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        autoComplete={purpose === "current" ? "current-password" : "new-password"}
        minLength={purpose === "new" ? 4 : undefined}
        autoFocus={autoFocus}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && <p className="hint">{hint}</p>}
    </div>
  )
}
