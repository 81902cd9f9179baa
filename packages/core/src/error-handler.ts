import type { ErrorMiddleware } from './middleware.js'
import { OAuthError } from './oauth-error.js'

/**
 * Error middleware that renders an {@link OAuthError} as the RFC 6750 JSON body
 * `{ "error": ..., "error_description": ... }` with its status and `WWW-Authenticate`
 * (or `Retry-After`) header. Any other error is passed on to the next error handler.
 *
 * Without it, Express's and Connect's default handler still answer with the right
 * status and challenge, because `OAuthError` carries `status` and `headers`.
 *
 * @example
 * app.use(oauthErrorHandler())
 */
export function oauthErrorHandler(): ErrorMiddleware {
  return function oauthErrorHandlerMiddleware(err, _req, res, next) {
    if (!(err instanceof OAuthError) || res.headersSent) {
      next(err)
      return
    }
    const body = JSON.stringify(err.toJSON())
    res.statusCode = err.status
    for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value)
    res.setHeader('Content-Type', 'application/json; charset=utf-8')
    res.setHeader('Content-Length', Buffer.byteLength(body))
    res.setHeader('Cache-Control', 'no-store')
    res.end(body)
  }
}
