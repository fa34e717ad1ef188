import { useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState, useModel } from "../app/context"
import { hrefOf, navigate } from "../app/route"
import { TopBar } from "../components/TopBar"
import { useAsyncAction } from "./useAsyncAction"

/** Start a group with friends; its name and members are known only to its members. */
export function NewGroup() {
  const { t } = useTranslation()
  const state = useAppState()
  const model = useModel()
  const [name, setName] = useState("")
  const [members, setMembers] = useState<string[]>([])
  const create = useAsyncAction(async () => {
    const id = await model.createGroup(name.trim(), members)
    navigate({ tab: "chats", detail: { screen: "chat", conversationId: id } })
  })
  const friends = state.friends.filter((f) => !f.blocked)
  return (
    <section className="screen">
      <TopBar title={t("groups.new")} back={hrefOf({ tab: "chats" })} />
      <div className="screen-body">
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault()
            void create.run()
          }}
        >
          <div className="field">
            <label htmlFor="new-group-name">{t("groups.name")}</label>
            <input
              id="new-group-name"
              value={name}
              maxLength={64}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <fieldset className="field" style={{ border: "none", padding: 0 }}>
            <legend className="label">{t("groups.chooseMembers")}</legend>
            {friends.length === 0 && <p className="hint">{t("contacts.none")}</p>}
            {friends.map((f) => (
              <label key={f.accountId} className="toggle">
                <span>{f.name}</span>
                <input
                  type="checkbox"
                  checked={members.includes(f.accountId)}
                  onChange={(e) =>
                    setMembers((m) =>
                      e.target.checked ? [...m, f.accountId] : m.filter((x) => x !== f.accountId),
                    )
                  }
                />
              </label>
            ))}
          </fieldset>
          {create.busy && <p role="status">{t("groups.creating")}</p>}
          {create.error && (
            <p className="error" role="alert">
              {create.error}
            </p>
          )}
          <button
            type="submit"
            className="button"
            disabled={create.busy || name.trim() === "" || members.length === 0}
          >
            {t("groups.create")}
          </button>
        </form>
      </div>
    </section>
  )
}
