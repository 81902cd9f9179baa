import type { IncomingMessage } from 'node:http'
import type { AuthContext } from '@tokenguard/core'

/** A request as a tokenguard bearer middleware leaves it (see the `Express.Request` merge). */
type RequestWithAuth = IncomingMessage & Pick<Express.Request, 'auth'>

/** The `req.auth` a bearer middleware set, whatever it holds. */
export function readAuth(req: IncomingMessage): unknown {
  return (req as RequestWithAuth).auth
}

/**
 * Whether `value` has the shape of an {@link AuthContext}: something else on `req.auth` (from
 * another library, or nothing at all) is treated as no authentication.
 */
export function isAuthContext(value: unknown): value is AuthContext {
  if (value === null || typeof value !== 'object') return false
  const { scopes, claims } = value as Partial<Record<keyof AuthContext, unknown>>
  return Array.isArray(scopes) && claims !== null && typeof claims === 'object'
}
