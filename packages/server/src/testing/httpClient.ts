import { Routes, type RouteName } from "@kith/protocol"

export interface HttpResult<T = unknown> {
  status: number
  body: T
}

export interface CallOptions {
  params?: Record<string, string>
  /** Sent as JSON; use rawBody for bytes that are not. */
  body?: unknown
  rawBody?: string
  token?: string
  headers?: Record<string, string>
}

/** Calls one route of the Routes table the way any client would: plain fetch, JSON in and out. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  route: RouteName,
  options: CallOptions = {},
): Promise<HttpResult<T>> {
  const spec = Routes[route]
  const path = spec.url.replace(/:(\w+)/g, (_, key: string) =>
    encodeURIComponent(options.params?.[key] ?? ""),
  )
  return request<T>(baseUrl, spec.method, path, options)
}

export async function request<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers }
  let body: string | undefined = options.rawBody
  if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers["content-type"] ??= "application/json"
  } else if (body !== undefined) {
    headers["content-type"] ??= "application/json"
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  const response = await fetch(baseUrl + path, { method, headers, body })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text === "" ? undefined : JSON.parse(text)
  } catch {
    // Not JSON (e.g. /metrics): keep the text.
  }
  return { status: response.status, body: parsed as T }
}
