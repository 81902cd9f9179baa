import type { AuthContext } from '../auth-context.js'
import { OAuthError } from '../oauth-error.js'

/**
 * Refuses a token bound (`cnf`, RFC 7800) to something this middleware does not check:
 * `cnf.jkt` (RFC 9449) on a route without DPoP, `x5t#S256` (RFC 8705, mTLS) anywhere, any
 * other confirmation method, or a `cnf` that is not an object. Such a token is meant for its
 * holder only, and accepting it as a bearer token would let anyone who copied it use it
 * (RFC 7800 §3, RFC 9449 §7.2). `checked` names the `cnf` members the route verifies
 * (`['jkt']` with DPoP). An empty `cnf` binds nothing.
 */
export function checkConfirmation(auth: AuthContext, checked: readonly string[]): void {
  const { claims } = auth
  if (!Object.hasOwn(claims, 'cnf')) return
  const cnf: unknown = claims.cnf
  if (cnf === null || typeof cnf !== 'object' || Array.isArray(cnf)) throw unverifiable()
  for (const member of Object.keys(cnf)) {
    if (!checked.includes(member)) throw unverifiable()
  }
}

function unverifiable(): OAuthError {
  return OAuthError.invalidToken(
    'unverifiable_binding',
    'The access token is bound to a key or certificate this resource cannot check',
  )
}
