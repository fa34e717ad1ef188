import { defineConfig } from "vite"
import { serviceWorkerPlugin } from "./build/serviceWorkerPlugin"

/**
 * The web app's build. JSX goes through esbuild (no React plugin needed), the
 * output has no inline scripts so the server's strict Content-Security-Policy
 * holds, and a service worker listing every emitted file is generated so the
 * app opens offline. `npm run dev` proxies the API and WebSocket to a local
 * Kith server (KITH_DEV_SERVER, default http://localhost:8080).
 */
const devServer = process.env.KITH_DEV_SERVER ?? "http://localhost:8080"

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The polyfill would be an inline script; every browser Kith supports has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: "es" },
  server: {
    proxy: {
      "/v1": { target: devServer, changeOrigin: true, ws: true },
    },
  },
  plugins: [serviceWorkerPlugin()],
})
