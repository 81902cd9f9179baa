import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthContext } from './auth-context.js'
import type { AccessTokenScheme } from './extract-token.js'
import type { OAuthError } from './oauth-error.js'

/**
 * A sender constraint a bearer middleware applies after the token itself is accepted,
 * such as DPoP (RFC 9449). `dpop()` of `@tokenguard/dpop` makes one; the bearer
 * middlewares of the suite take it as their `dpop` option, so one implementation serves
 * JWTs and introspected tokens alike.
 */
export interface TokenBinding {
  /** Authorization schemes the middleware accepts. */
  readonly schemes: readonly AccessTokenScheme[]
  /**
   * The members of a token's `cnf` (RFC 7800) that {@link TokenBinding.bind} checks, such
   * as `['jkt']` for DPoP. A token bound through any other member is refused.
   */
  readonly cnfMembers: readonly string[]
  /**
   * Checks that the request proves possession of the key the token is bound to (or that
   * an unbound token may be used as it was sent); returns the context to set on
   * `req.auth`, or throws an `OAuthError`.
   */
  bind(
    auth: AuthContext,
    scheme: AccessTokenScheme,
    req: IncomingMessage,
    res: ServerResponse,
  ): AuthContext | Promise<AuthContext>
  /**
   * Gives an error the challenges of this binding: the scheme the request used, and the
   * other schemes the resource accepts.
   */
  decorate(error: OAuthError, scheme: AccessTokenScheme | undefined): OAuthError
}
