import express, { type RequestHandler } from 'express'

/**
 * Parses a JSON body of at most `maxBytes` bytes, after refusing a body of any other media
 * type with 415. A request without a body (or without a Content-Type) goes on with
 * `req.body` undefined, which validation then refuses with a 400 saying what to send. Parse and size errors are rendered by
 * `bodyErrorHandler`.
 *
 * Mount it after the bearer middleware and the scope guard, so the body of a request that
 * is not allowed in is never read.
 *
 * @example
 * app.post('/api/pets', requireScopes('pets:write'), ...jsonBody(4096), createPet)
 */
export function jsonBody(maxBytes: number): RequestHandler[] {
  const parse = express.json({ limit: maxBytes, strict: true, type: 'application/json' })
  const requireJson: RequestHandler = function requireJsonMiddleware(req, res, next) {
    // Without a Content-Type the parser leaves req.body undefined, and validation answers
    // 400; req.is answers false only for a body of another media type.
    if (req.headers['content-type'] !== undefined && req.is('application/json') === false) {
      res.status(415).json({
        error: 'unsupported_media_type',
        error_description: 'Send the body as JSON, with Content-Type: application/json',
      })
      return
    }
    next()
  }
  return [requireJson, parse]
}
