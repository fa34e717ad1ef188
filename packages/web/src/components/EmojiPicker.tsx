import { useTranslation } from "react-i18next"

/** A small set of everyday emoji; the keyboard's own picker covers the rest. */
const emoji = Array.from(
  "😀😂🥲😊😍😘😎🤔😴😭😡👍👎👏🙏💪🎉❤️🔥✨🌹☕🍜🍻🎂🧧🐶🐱🌙☀️🌧️✅❌❓👋🤝🙌😅🤣😉😇🥳😢😱🤗🙈".match(
    /\p{Extended_Pictographic}\uFE0F?/gu,
  ) ?? [],
)

export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const { t } = useTranslation()
  return (
    <div className="emoji-panel" role="group" aria-label={t("chat.emoji")}>
      {emoji.map((e) => (
        <button type="button" key={e} onClick={() => onPick(e)} aria-label={e}>
          {e}
        </button>
      ))}
    </div>
  )
}
