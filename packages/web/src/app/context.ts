import { createContext, useContext, useSyncExternalStore } from "react"
import type { AppModel } from "../model/appModel"
import type { AppState } from "../model/appState"

export const ModelContext = createContext<AppModel | null>(null)

export function useModel(): AppModel {
  const model = useContext(ModelContext)
  if (!model) throw new Error("useModel outside ModelContext")
  return model
}

export function useAppState(): AppState {
  const model = useModel()
  return useSyncExternalStore(model.subscribe, model.getSnapshot)
}
