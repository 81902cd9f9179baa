import type { ErrorRequestHandler, RequestHandler, Response } from 'express'
import { ValidationError } from './validation.js'

/** A JSON error body, shaped like the RFC 6750 bodies of the bearer layer. */
interface ErrorBody {
  error: string
  error_description: string
  field?: string
}

// The errors of Express's JSON parser (body-parser), by their `type`. Their messages are
// not used: a JSON syntax error quotes the body, and the body may hold anything.
const BODY_ERRORS: Readonly<Record<string, { status: number; body: ErrorBody }>> = {
  'entity.parse.failed': {
    status: 400,
    body: { error: 'invalid_json', error_description: 'The body is not valid JSON' },
  },
  'entity.too.large': {
    status: 413,
    body: { error: 'body_too_large', error_description: 'The body is too large' },
  },
  'request.size.invalid': {
    status: 400,
    body: { error: 'invalid_body', error_description: 'The body does not match Content-Length' },
  },
  'encoding.unsupported': {
    status: 415,
    body: {
      error: 'unsupported_encoding',
      error_description: 'The Content-Encoding is not supported',
    },
  },
  'charset.unsupported': {
    status: 415,
    body: { error: 'unsupported_charset', error_description: 'The charset is not supported' },
  },
}

function send(res: Response, status: number, body: ErrorBody): void {
  res.status(status).set('Cache-Control', 'no-store').json(body)
}

/**
 * Answers 404 in JSON for any request no route took. The path is not echoed: it could
 * carry a query-string token.
 *
 * @example
 * app.use(notFound())
 */
export function notFound(): RequestHandler {
  return function notFoundMiddleware(_req, res) {
    send(res, 404, { error: 'not_found', error_description: 'There is nothing at this path' })
  }
}

/**
 * Renders validation errors (400 naming the field) and the JSON parser's errors (400 for
 * malformed JSON, 413 for a body over the limit, 415 for an unsupported encoding). Any
 * other error goes on to {@link serverErrorHandler}.
 *
 * @example
 * app.use(oauthErrorHandler(), bodyErrorHandler(), serverErrorHandler(logError))
 */
export function bodyErrorHandler(): ErrorRequestHandler {
  return function bodyErrorHandlerMiddleware(err, _req, res, next) {
    if (res.headersSent) {
      next(err)
      return
    }
    if (err instanceof ValidationError) {
      const body: ErrorBody = { error: 'invalid_body', error_description: err.message }
      if (err.field !== undefined) body.field = err.field
      send(res, 400, body)
      return
    }
    const type: unknown = err !== null && typeof err === 'object' ? Reflect.get(err, 'type') : null
    const known = typeof type === 'string' && Object.hasOwn(BODY_ERRORS, type)
    if (known) {
      const { status, body } = BODY_ERRORS[type] as { status: number; body: ErrorBody }
      send(res, status, body)
      return
    }
    next(err)
  }
}

/**
 * The last error handler: 500 in JSON, with no stack, message or token in the response.
 * `log` (the app's logger) sees the error itself.
 *
 * @example
 * app.use(serverErrorHandler((error) => logger.error(error)))
 */
export function serverErrorHandler(log: (error: unknown) => void = () => {}): ErrorRequestHandler {
  return function serverErrorHandlerMiddleware(err, req, res, _next) {
    log(err)
    if (res.headersSent) {
      // Too late for a status: cut the response short so the client sees it failed.
      req.socket.destroy()
      return
    }
    send(res, 500, { error: 'server_error', error_description: 'Something went wrong on our side' })
  }
}
