import { useTranslation } from "react-i18next"
import type { SystemEvent } from "../model/viewTypes"
import { isolate } from "../i18n/bidi"
import { timerLabel } from "../model/disappearingTimers"

/** A centred line for what happened to the chat itself: members, names, admins, devices, timers, gaps. */
export function SystemLine({ event }: { event: SystemEvent }) {
  const { t, i18n } = useTranslation()
  const list = (names: string[]) =>
    new Intl.ListFormat(i18n.language, { type: "conjunction" }).format(names.map(isolate))
  let text: string
  switch (event.kind) {
    case "member-added":
      text = t("system.added", { names: list(event.names) })
      break
    case "member-removed":
      text = t("system.removed", { names: list(event.names) })
      break
    case "renamed":
      text = event.actorName
        ? t("system.renamedBy", { actor: isolate(event.actorName), name: isolate(event.name) })
        : t("system.renamed", { name: isolate(event.name) })
      break
    case "admin-changed":
      text = event.admin
        ? t("system.madeAdmin", { name: isolate(event.name) })
        : t("system.noLongerAdmin", { name: isolate(event.name) })
      break
    case "device-added":
      text = t("system.deviceAdded", { name: isolate(event.name) })
      break
    case "created":
      text = event.actorName
        ? t("system.createdBy", { actor: isolate(event.actorName) })
        : t("system.created")
      break
    case "friend-accepted":
      text = t("system.friendAccepted", { name: isolate(event.name) })
      break
    case "joined":
      text = t("system.joined", { count: event.memberCount })
      break
    case "removed-from-chat":
      text = t("system.removedYou")
      break
    case "notice":
      text = event.text
      break
    case "timer": {
      const duration = t(timerLabel(event.timerMs))
      if (event.timerMs === 0)
        text = event.actorName
          ? t("system.timerOffBy", { actor: isolate(event.actorName) })
          : t("system.timerOffByYou")
      else
        text = event.actorName
          ? t("system.timerSetBy", { actor: isolate(event.actorName), duration })
          : t("system.timerSetByYou", { duration })
      break
    }
    case "missing":
      text = t("system.missing", { name: isolate(event.name), count: event.count })
      break
  }
  return (
    <div className="system-line" role="note" data-testid="system-line" data-kind={event.kind}>
      <span>{text}</span>
    </div>
  )
}
