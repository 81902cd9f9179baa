import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import connect from 'connect'
import express from 'express'
import express4 from 'express4'

// The shapes of @tokenguard/core's Middleware and ErrorMiddleware, written out rather than
// imported: core's tests depend on this package, so a dependency on core would be a cycle
// that every `pnpm install` warns about.
type NextFunction = (err?: unknown) => void
type Middleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void
type ErrorMiddleware = (
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
) => void

/** A server of a test, listening on 127.0.0.1 on a port the system chose. */
export interface LocalServer {
  readonly url: string
  readonly server: Server
  close(): Promise<void>
}

/** Serves `handler` on 127.0.0.1, port 0. */
export async function serve(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler)
  server.keepAliveTimeout = 1_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A route handler that answers 200 with what the suite put on the request. */
export const echoAuth: Middleware = (req, res) => {
  const { auth, user } = req as typeof req & { auth?: unknown; user?: unknown }
  res.setHeader('Content-Type', 'application/json')
  res.end(JSON.stringify({ auth: auth ?? null, user: user ?? null }))
}

/** One framework the suite must work under, building an app from plain middleware. */
export interface Framework {
  readonly name: string
  app(
    middleware: readonly Middleware[],
    errorHandlers?: readonly ErrorMiddleware[],
  ): RequestListener
}

/** Express 5, Express 4 and Connect, each ending in its own default error handler. */
export const frameworks: readonly Framework[] = [
  {
    name: 'Express 5',
    app(middleware, errorHandlers = []) {
      const app = express()
      for (const fn of [...middleware, ...errorHandlers]) app.use(fn)
      return app
    },
  },
  {
    name: 'Express 4',
    app(middleware, errorHandlers = []) {
      const app = express4()
      for (const fn of [...middleware, ...errorHandlers]) app.use(fn)
      return app
    },
  },
  {
    name: 'Connect',
    app(middleware, errorHandlers = []) {
      const app = connect()
      for (const fn of [...middleware, ...errorHandlers]) app.use(fn)
      return app
    },
  },
]
