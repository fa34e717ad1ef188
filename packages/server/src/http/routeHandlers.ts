import type { BodyOf, ParamsOf, ResponseOf, RouteName, Routes } from "@kith/protocol"
import type { Session } from "../ephemeral/sessionStore"

/** Routes marked `auth: "session"` get the caller's session; the others get none. */
export type SessionOf<N extends RouteName> = (typeof Routes)[N]["auth"] extends "session"
  ? Session
  : undefined

/** What a route handler sees: input already checked against the route's schemas. */
export interface RouteRequest<N extends RouteName> {
  params: ParamsOf<N>
  body: BodyOf<N>
  session: SessionOf<N>
}

export type RouteHandler<N extends RouteName> = (request: RouteRequest<N>) => Promise<ResponseOf<N>>

/** One handler per entry of the protocol's Routes table — the compiler checks none is missing. */
export type RouteHandlers = { [N in RouteName]: RouteHandler<N> }
