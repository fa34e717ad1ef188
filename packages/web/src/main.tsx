import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { App } from "./app/App"
import { ModelContext } from "./app/context"
import { setupI18n } from "./i18n/setup"
import { AppModel } from "./model/appModel"
import { serviceWorkerUrl } from "./app/trustedTypes"
import "./styles/app.css"

async function start() {
  await setupI18n()
  const model = new AppModel({ serverUrl: location.origin })
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <ModelContext.Provider value={model}>
        <App />
      </ModelContext.Provider>
    </StrictMode>,
  )
  await model.boot()
  // The shell works offline once the service worker has cached it.
  if ("serviceWorker" in navigator && import.meta.env.PROD) {
    navigator.serviceWorker
      .register(serviceWorkerUrl())
      .catch((e: unknown) => console.warn("service worker", e))
  }
}

void start()
