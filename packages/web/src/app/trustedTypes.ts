/**
 * The CSP requires Trusted Types: no string reaches an HTML or script sink
 * unless a named policy vouches for it. Kith's single policy allows exactly
 * one thing, the service worker's own URL; it creates no HTML, ever.
 */
interface TrustedTypePolicyFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL?: (input: string) => string },
  ): { createScriptURL(input: string): unknown }
}

export const SERVICE_WORKER_URL = "/sw.js"

export function serviceWorkerUrl(): string {
  const factory = (window as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes
  if (!factory) return SERVICE_WORKER_URL
  const policy = factory.createPolicy("kith", {
    createScriptURL: (input) => {
      if (input !== SERVICE_WORKER_URL)
        throw new TypeError(`Trusted Types: ${input} is not Kith's service worker`)
      return input
    },
  })
  // A TrustedScriptURL; register() accepts it where the types say string.
  return policy.createScriptURL(SERVICE_WORKER_URL) as string
}
