// Calls an Express middleware without a socket, for the in-process layer: a request built
// on the app's own request prototype (so req.get, req.is, req.protocol work as in a real
// app), a response that only records an answer, and a promise for next().
import type { Express, Request, RequestHandler, Response } from 'express'

/** What the middleware did with the request. */
export type Outcome = 'next' | 'error' | 'answered'

const SOCKET = Object.freeze({ remoteAddress: '127.0.0.1', encrypted: false })

/**
 * Returns `call(middleware, authorization)`: it builds a fresh GET /pets request carrying
 * that Authorization header, runs the middleware, and resolves with what happened. Every
 * implementation pays the same cost for the fake request.
 */
export function fakeRequests(
  app: Express,
): (middleware: RequestHandler, authorization: string) => Promise<Outcome> {
  const requestPrototype = app.request
  return (middleware, authorization) =>
    new Promise<Outcome>((resolve) => {
      const req = Object.create(requestPrototype) as Request
      Object.assign(req, {
        method: 'GET',
        url: '/pets',
        originalUrl: '/pets',
        headers: { host: '127.0.0.1', authorization },
        rawHeaders: ['Host', '127.0.0.1', 'Authorization', authorization],
        socket: SOCKET,
        connection: SOCKET,
        body: undefined,
      })
      const res = new FakeResponse(() => resolve('answered')) as unknown as Response
      try {
        void middleware(req, res, (err?: unknown) => resolve(err === undefined ? 'next' : 'error'))
      } catch {
        resolve('error')
      }
    })
}

/**
 * A response that records an answer. A class, so the per-request cost is one allocation:
 * an object literal with methods would also define each method's name on every request
 * (tsx keeps function names).
 */
class FakeResponse {
  statusCode = 200
  headersSent = false
  constructor(private readonly answered: () => void) {}
  status(code: number): this {
    this.statusCode = code
    return this
  }
  setHeader(): this {
    return this
  }
  getHeader(): undefined {
    return undefined
  }
  set(): this {
    return this
  }
  json(): this {
    this.answered()
    return this
  }
  send(): this {
    this.answered()
    return this
  }
  end(): this {
    this.answered()
    return this
  }
}
