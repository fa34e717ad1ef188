/**
 * Whether an address is this machine's own. Per-address limits skip it
 * unless told otherwise: a loopback peer is the operator's own tooling or a
 * reverse proxy on the same host — and a proxy must be trusted
 * (KITH_TRUST_PROXY) for per-address limits to count its clients apart.
 */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.")
}
