import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "packages/protocol/src/gen/**",
      "data/**",
      "bench/results/**",
      "packages/web/dist/**",
      "packages/web/dist-bench/**",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": "off",
    },
  },
  {
    // protocol and core run unchanged in browsers: no Node built-ins on their main path.
    files: ["packages/protocol/src/**/*.ts", "packages/core/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/*.node.ts", "**/node/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "crypto", "better-sqlite3", "ws"],
              message: "protocol and core must stay platform-neutral; put Node-only code in a *.node.ts file",
            },
          ],
        },
      ],
    },
  },
  {
    // The server never imports the client engine, and of the web app only how to serve it.
    files: ["packages/server/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@kith/core", "@kith/core/*"],
              message: "the server must not depend on the client engine",
            },
            {
              regex: "^@kith/web(?!/serve$)",
              message: "the server may know only how to serve the web app (@kith/web/serve)",
            },
          ],
        },
      ],
    },
  },
)
