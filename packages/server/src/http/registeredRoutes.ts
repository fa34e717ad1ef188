import type { FastifyInstance } from "fastify"

const routesByApp = new WeakMap<FastifyInstance, string[]>()

/**
 * Records every route the application registers ("METHOD /url"), from the
 * route table, the blob routes, the WebSocket and the operations endpoints
 * alike, so the authorisation test can insist that each one has a declared
 * rule. Call before anything is registered.
 */
export function recordRoutes(app: FastifyInstance): void {
  const routes: string[] = []
  routesByApp.set(app, routes)
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) routes.push(`${method} ${route.url}`)
  })
}

/** The routes recorded for an application (empty when recordRoutes was not called). */
export function registeredRoutesOf(app: FastifyInstance): readonly string[] {
  return routesByApp.get(app) ?? []
}
