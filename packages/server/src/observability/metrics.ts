import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client"

/**
 * Prometheus metrics. Labels are route patterns, methods, status codes and
 * error codes — never an identifier of a user, device, mailbox or group.
 */
export interface Metrics {
  registry: Registry
  httpRequests: Counter<"method" | "route" | "status">
  wsConnections: Gauge
  deliveriesAccepted: Counter
  mailboxEntriesStored: Counter
  mailboxEntriesPushed: Counter
  mailboxEntriesDelivered: Counter
  commitsAccepted: Counter
  commitsConflicted: Counter
  framesRejected: Counter<"code">
  expiredRows: Counter<"table">
  sharedStateUnavailable: Counter<"service">
  busResyncs: Counter
  reportsReceived: Counter
}

export function createMetrics(): Metrics {
  // One registry per server, so several servers in one process (tests) do not collide.
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return {
    registry,
    httpRequests: new Counter({
      name: "kith_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"] as const,
      registers,
    }),
    wsConnections: new Gauge({
      name: "kith_ws_connections",
      help: "Open WebSocket connections",
      registers,
    }),
    deliveriesAccepted: new Counter({
      name: "kith_deliveries_accepted_total",
      help: "Deliveries (one payload each) accepted in Send and SubmitCommit frames",
      registers,
    }),
    mailboxEntriesStored: new Counter({
      name: "kith_mailbox_entries_stored_total",
      help: "Mailbox entries stored (one per recipient device)",
      registers,
    }),
    mailboxEntriesPushed: new Counter({
      name: "kith_mailbox_entries_pushed_total",
      help: "Mailbox entries pushed over WebSockets (re-pushes included)",
      registers,
    }),
    mailboxEntriesDelivered: new Counter({
      name: "kith_mailbox_entries_delivered_total",
      help: "Mailbox entries acknowledged by their device, and so deleted",
      registers,
    }),
    commitsAccepted: new Counter({
      name: "kith_commits_accepted_total",
      help: "Commits accepted for an epoch",
      registers,
    }),
    commitsConflicted: new Counter({
      name: "kith_commits_conflicted_total",
      help: "Commits refused because another commit took the epoch first",
      registers,
    }),
    framesRejected: new Counter({
      name: "kith_frames_rejected_total",
      help: "WebSocket frames answered with an Error, by code",
      labelNames: ["code"] as const,
      registers,
    }),
    expiredRows: new Counter({
      name: "kith_expired_rows_total",
      help: "Rows removed by the expiry sweep, by table",
      labelNames: ["table"] as const,
      registers,
    }),
    sharedStateUnavailable: new Counter({
      name: "kith_shared_state_unavailable_total",
      help: "Requests and bus messages that failed because PostgreSQL or Redis was away, by service",
      labelNames: ["service"] as const,
      registers,
    }),
    busResyncs: new Counter({
      name: "kith_bus_resyncs_total",
      help: "Times the Redis bus reconnected and told every local mailbox to look for news",
      registers,
    }),
    reportsReceived: new Counter({
      name: "kith_reports_received_total",
      help: "Reports users filed (read them with the reports tool, docs/deploy.md)",
      registers,
    }),
  }
}
