import { useEffect, useState } from "react"
import { useTranslation } from "react-i18next"
import { useAppState } from "./context"
import { parseRoute, type Detail, type Route } from "./route"
import { TabBar } from "./TabBar"
import { ConnectionBanner } from "../components/ConnectionBanner"
import { ChatScreen } from "../chat/ChatScreen"
import { AddFriend } from "../screens/AddFriend"
import { AppLock } from "../screens/AppLock"
import { ChatInfo } from "../screens/ChatInfo"
import { ChatsTab } from "../screens/ChatsTab"
import { Contact } from "../screens/Contact"
import { ContactsTab } from "../screens/ContactsTab"
import { DeleteAccount } from "../screens/DeleteAccount"
import { Devices } from "../screens/Devices"
import { DiscoverItem, DiscoverTab } from "../screens/DiscoverTab"
import { Language } from "../screens/Language"
import { LinkDevice } from "../screens/LinkDevice"
import { LockScreen } from "../screens/LockScreen"
import { MeTab } from "../screens/MeTab"
import { MyQr } from "../screens/MyQr"
import { NewGroup } from "../screens/NewGroup"
import { Privacy } from "../screens/Privacy"
import { Profile } from "../screens/Profile"
import { RecoveryPhrase } from "../screens/RecoveryPhrase"
import { Requests } from "../screens/Requests"
import { SafetyNumber } from "../screens/SafetyNumber"
import { Welcome } from "../screens/Welcome"

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash))
    addEventListener("hashchange", onChange)
    return () => removeEventListener("hashchange", onChange)
  }, [])
  return route
}

/** The whole app: onboarding and lock screens first, then the four tabs beside (or over) a detail screen. */
export function App() {
  const { t } = useTranslation()
  const state = useAppState()
  const route = useRoute()
  const phase = state.phase
  switch (phase.kind) {
    case "booting":
      return (
        <p className="placeholder" role="status">
          {t("common.loading")}
        </p>
      )
    case "locked":
      return <LockScreen wrong={phase.error === "wrong-passcode"} />
    case "welcome":
      return <Welcome />
    case "recovery-phrase":
      return <RecoveryPhrase phrase={phase.phrase} />
    case "elsewhere":
      return (
        <p className="placeholder" role="alert">
          {t("app.openElsewhere")}
        </p>
      )
    case "failed":
      return (
        <p className="placeholder" role="alert">
          {t("app.failed")}
        </p>
      )
    case "ready":
      return (
        <div className="app-frame">
          <ConnectionBanner state={state.connection} />
          <div className={route.detail ? "app has-detail" : "app"}>
            <div className="sidebar">
              <TabContent route={route} />
              <TabBar current={route.tab} />
            </div>
            <main className="main-pane">
              {route.detail ? (
                <DetailScreen detail={route.detail} />
              ) : (
                <p className="placeholder">{t("app.pickChat")}</p>
              )}
            </main>
          </div>
        </div>
      )
  }
}

function TabContent({ route }: { route: Route }) {
  const d = route.detail
  switch (route.tab) {
    case "chats":
      return (
        <ChatsTab
          currentChatId={d?.screen === "chat" || d?.screen === "chat-info" ? d.conversationId : undefined}
        />
      )
    case "contacts":
      return <ContactsTab currentAccountId={d?.screen === "contact" ? d.accountId : undefined} />
    case "discover":
      return <DiscoverTab />
    case "me":
      return <MeTab current={d?.screen} />
  }
}

function DetailScreen({ detail }: { detail: Detail }) {
  switch (detail.screen) {
    case "chat":
      return <ChatScreen key={detail.conversationId} chatId={detail.conversationId} />
    case "chat-info":
      return <ChatInfo key={detail.conversationId} chatId={detail.conversationId} />
    case "safety":
      return <SafetyNumber accountId={detail.accountId} />
    case "new-group":
      return <NewGroup />
    case "add-friend":
      return <AddFriend key={detail.username ?? ""} username={detail.username} />
    case "requests":
      return <Requests />
    case "contact":
      return <Contact accountId={detail.accountId} />
    case "discover-item":
      return <DiscoverItem item={detail.item} />
    case "profile":
      return <Profile />
    case "my-qr":
      return <MyQr />
    case "devices":
      return <Devices />
    case "link-device":
      return <LinkDevice />
    case "privacy":
      return <Privacy />
    case "language":
      return <Language />
    case "app-lock":
      return <AppLock />
    case "delete-account":
      return <DeleteAccount />
  }
}
