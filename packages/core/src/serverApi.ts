import {
  ErrorCode,
  isErrorCode,
  KithError,
  Routes,
  type BodyOf,
  type ParamsOf,
  type ResponseOf,
  type RouteName,
  type RouteSpec,
} from "@kith/protocol"
import { Value } from "@sinclair/typebox/value"

/** Supplies the session token; `refresh` asks for a new one (the old one was refused). */
export type SessionTokenSource = (refresh: boolean) => Promise<string>

type Args<N extends RouteName> = (ParamsOf<N> extends undefined
  ? { params?: undefined }
  : { params: ParamsOf<N> }) &
  (BodyOf<N> extends undefined ? { body?: undefined } : { body: BodyOf<N> })

/**
 * The typed HTTP client over the Routes table. Every response is checked
 * against its schema before the engine sees it; errors become KithErrors with
 * the server's code. A refused session token is renewed once, because a
 * restarted server forgets sessions ([H3]).
 */
export class ServerApi {
  constructor(
    readonly baseUrl: string,
    private readonly sessionToken?: SessionTokenSource,
  ) {}

  /** A copy of this client that authenticates with the given token source. */
  withSession(sessionToken: SessionTokenSource): ServerApi {
    return new ServerApi(this.baseUrl, sessionToken)
  }

  async call<N extends RouteName>(
    name: N,
    ...[args]: keyof Args<N> extends never ? [] : [Args<N>] | []
  ): Promise<ResponseOf<N>> {
    const route: RouteSpec = Routes[name]
    const { params, body } = (args ?? {}) as { params?: Record<string, string>; body?: unknown }
    if (route.auth === "none") return this.send(route, params, body, undefined)
    if (!this.sessionToken) throw new KithError(ErrorCode.NotRegistered, `${name} needs a device session`)
    try {
      return await this.send(route, params, body, await this.sessionToken(false))
    } catch (e) {
      if (!(e instanceof KithError) || e.code !== ErrorCode.Unauthenticated) throw e
      return this.send(route, params, body, await this.sessionToken(true))
    }
  }

  private async send<T>(
    route: RouteSpec,
    params: Record<string, string> | undefined,
    body: unknown,
    token: string | undefined,
  ): Promise<T> {
    const url = route.url.replace(/:(\w+)/g, (_, key: string) => {
      const value = params?.[key]
      if (value === undefined) throw new KithError(ErrorCode.BadRequest, `missing path parameter ${key}`)
      return encodeURIComponent(value)
    })
    const headers: Record<string, string> = {}
    if (body !== undefined) headers["content-type"] = "application/json"
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    let response: Response
    try {
      response = await fetch(this.baseUrl + url, {
        method: route.method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    } catch (e) {
      throw new KithError(ErrorCode.Network, `${route.method} ${route.url}: ${(e as Error).message}`)
    }
    const text = await response.text()
    let json: unknown = undefined
    if (text !== "") {
      try {
        json = JSON.parse(text)
      } catch {
        throw new KithError(ErrorCode.Internal, `${route.method} ${route.url}: response is not JSON`)
      }
    }
    if (!response.ok) throw errorFrom(route, response.status, json)
    if (route.response === undefined) return undefined as T
    if (!Value.Check(route.response, json)) {
      throw new KithError(
        ErrorCode.Internal,
        `${route.method} ${route.url}: response does not match the contract`,
      )
    }
    return json as T
  }
}

function errorFrom(route: RouteSpec, status: number, json: unknown): KithError {
  const body = (json ?? {}) as { code?: unknown; message?: unknown; retryAfterMs?: unknown }
  const code = isErrorCode(body.code) ? body.code : status >= 500 ? ErrorCode.Unavailable : ErrorCode.Internal
  const message = typeof body.message === "string" ? body.message : `HTTP ${status}`
  const retryAfterMs = typeof body.retryAfterMs === "number" ? body.retryAfterMs : undefined
  return new KithError(code, `${route.method} ${route.url}: ${message}`, { status, retryAfterMs })
}
