import type { IncomingMessage } from 'node:http'
import { createAuthContext, type AuthContext, type Middleware } from '@tokenguard/core'

/** An AuthContext for `claims`, as a bearer middleware would build it. */
export function authFor(claims: Record<string, unknown>): AuthContext {
  return createAuthContext({ claims, issuer: 'https://issuer.example', source: 'jwt' }, 'tok')
}

/**
 * Stands in for a bearer middleware: puts `auth` on `req.auth` (the input of the guards,
 * not the thing under test). `undefined` leaves `req.auth` unset.
 */
export function setAuth(auth: unknown): Middleware {
  return function setAuthMiddleware(req, _res, next) {
    if (auth !== undefined) (req as IncomingMessage & { auth?: unknown }).auth = auth
    next()
  }
}

/** The handler behind the guard: answers 200 `ok`. */
export const ok: Middleware = (_req, res) => {
  res.end('ok')
}

/** Claims as a JWT payload parses: `__proto__` in the JSON becomes an own property. */
export function parseClaims(json: string): Record<string, unknown> {
  return JSON.parse(json) as Record<string, unknown>
}
