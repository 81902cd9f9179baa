import type { IncomingMessage, ServerResponse } from 'node:http'

/** `next` of Connect and Express: call it with nothing to go on, or with an error. */
export type NextFunction = (err?: unknown) => void

/**
 * A middleware typed on `node:http`, so the same function serves Connect, Express 4 and
 * Express 5.
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void

/** An error-handling middleware (four parameters, as Express and Connect detect them). */
export type ErrorMiddleware = (
  err: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
) => void
