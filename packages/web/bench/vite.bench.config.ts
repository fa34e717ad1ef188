import { resolve } from "node:path"
import { mergeConfig } from "vite"
import base from "../vite.config"

/** The production build plus the benchmark's seeding page, written to KITH_WEB_BENCH_OUT. */
export default mergeConfig(base, {
  build: {
    outDir: process.env.KITH_WEB_BENCH_OUT ?? resolve(import.meta.dirname, "../dist-bench"),
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, "../index.html"),
        seed: resolve(import.meta.dirname, "seed.html"),
      },
    },
  },
})
