import { useAppState } from "../app/context"

/**
 * A person's or group's avatar: their profile picture when this device has
 * it, else the first letter of the name on a colour derived from the id.
 */
const palette = ["#1f7a4d", "#2d5fa8", "#8a3ffc", "#b0540c", "#9f1853", "#00727a", "#6f5a00", "#5a6b7a"]

function colourOf(id: string): string {
  let h = 0
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0
  return palette[h % palette.length]!
}

export function Avatar({ id, name, size }: { id: string; name: string; size?: "large" }) {
  const picture = useAppState().avatars[id]
  const className = size === "large" ? "avatar large" : "avatar"
  if (picture) {
    return (
      <img
        className={`${className} picture`}
        src={picture}
        alt=""
        aria-hidden="true"
        data-testid="avatar-picture"
      />
    )
  }
  const letter = Array.from(name.trim())[0]?.toLocaleUpperCase() ?? "?"
  return (
    <span className={className} style={{ background: colourOf(id) }} aria-hidden="true">
      {letter}
    </span>
  )
}
