import { readFileSync } from "node:fs"
import type { Plugin } from "vite"

/**
 * Emits `sw.js` from `build/serviceWorker.js` with the list of files the build
 * produced, so the service worker can cache the whole app shell on install and
 * the app opens without a network. The version is a digest of that list, so a
 * new build replaces the old cache.
 */
export function serviceWorkerPlugin(): Plugin {
  return {
    name: "kith-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith(".map"))
        .map((name) => "/" + name)
        .sort()
      const precache = ["/", ...files.filter((f) => f !== "/index.html")]
      const version = digest(precache.join("\n") + Object.values(bundle).map(contentOf).join("\n"))
      const template = readFileSync(new URL("./serviceWorker.js", import.meta.url), "utf8")
      const source = template
        .replace("__KITH_PRECACHE__", JSON.stringify(precache))
        .replace("__KITH_VERSION__", JSON.stringify(version))
      this.emitFile({ type: "asset", fileName: "sw.js", source })
    },
  }
}

function contentOf(item: { type: string; code?: string; source?: string | Uint8Array }): string {
  if (item.type === "chunk") return item.code ?? ""
  return typeof item.source === "string" ? item.source : String(item.source?.length ?? 0)
}

/** FNV-1a: enough to tell two builds apart, not a security digest. */
function digest(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(36)
}
