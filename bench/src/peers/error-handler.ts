// The error handler every peer app gets, as apps commonly write one: the error's own status
// (401 from express-jwt and express-oauth2-jwt-bearer), else 500, and a small JSON body.
// tokenguard apps use oauthErrorHandler() instead. Neither logs, so no stack trace is
// printed per refused request.
import type { ErrorRequestHandler } from 'express'

export const peerErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const status = (err as { status?: unknown } | null)?.status
  res.status(typeof status === 'number' ? status : 500).json({ error: 'unauthorized' })
}
