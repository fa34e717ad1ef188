/**
 * What a server must do to serve the built web app (`npm run build -w @kith/web`
 * → packages/web/dist). The Kith server imports this; it has no dependencies so
 * that serving the app pulls nothing of the app's own code into the server.
 *
 * - Serve `webDistDir` at `/` (index.html for `/`), every response with
 *   `securityHeaders`.
 * - Files under `/assets/` have content hashes in their names: cache them for a
 *   year (`immutableCacheControl`); everything else must be revalidated
 *   (`revalidateCacheControl`), above all `/sw.js` and `/index.html`.
 * - `.webmanifest` is `application/manifest+json`.
 */
import { fileURLToPath } from "node:url"

export const webDistDir: string = fileURLToPath(new URL("../dist/", import.meta.url))

/**
 * No inline scripts or styles, no remote origins: only the app's own files,
 * its own API and WebSocket ('self' covers ws: and wss: on the same host), and
 * data:/blob: images for QR codes and avatars drawn on the device. Trusted
 * Types forbid handing strings to HTML and script sinks, so message text can
 * only ever be text.
 */
export const contentSecurityPolicy: string = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  // One policy, "kith", which vouches only for the service worker's URL (app/trustedTypes.ts).
  "trusted-types kith",
].join("; ")

export const securityHeaders: Readonly<Record<string, string>> = {
  "content-security-policy": contentSecurityPolicy,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(self), microphone=(self), geolocation=(), payment=(), usb=()",
  "x-frame-options": "DENY",
}

export const immutableCacheControl = "public, max-age=31536000, immutable"
export const revalidateCacheControl = "no-cache"

/** The cache policy for one served path. */
export function cacheControlFor(pathname: string): string {
  return pathname.startsWith("/assets/") ? immutableCacheControl : revalidateCacheControl
}
