import type { IncomingMessage } from 'node:http'
import type { AuthContext } from './auth-context.js'
import { extractBearerToken, type TokenExtractionOptions } from './extract-token.js'
import type { Middleware } from './middleware.js'
import { OAuthError } from './oauth-error.js'

/** Checks a token: an {@link AuthContext} at once or later, or an {@link OAuthError} thrown. */
export type TokenCheck = (token: string) => AuthContext | Promise<AuthContext>

/** Options every bearer middleware of the suite shares. */
export interface BearerMiddlewareOptions extends TokenExtractionOptions {
  /**
   * When `false`, a request without a token goes on without `req.auth`; a bad token is
   * still refused. Default: `true`.
   */
  credentialsRequired?: boolean
  /** `realm` of the `WWW-Authenticate` challenge. Default: none. */
  realm?: string
  /**
   * Also set `req.user` to the token's claims, for handlers that already read `req.user`.
   * Default: `false`.
   */
  setUser?: boolean
}

/** The option names of {@link BearerMiddlewareOptions}, for typo detection. */
export const BEARER_MIDDLEWARE_OPTION_NAMES: readonly string[] = [
  'credentialsRequired',
  'realm',
  'setUser',
  'allowBodyToken',
  'allowQueryToken',
  'maxTokenBytes',
]

/**
 * The request half of every bearer middleware: extracts the token (RFC 6750 §2), calls
 * `check`, sets `req.auth` and calls `next`, or passes the {@link OAuthError} to `next`
 * with the configured realm. Synchronous answers stay synchronous; `next` is never
 * called inside a `try`, so an error downstream is never taken for a token error.
 *
 * @example
 * const middleware = createBearerMiddleware('jwtBearerMiddleware', verifyToken, { realm: 'api' })
 */
export function createBearerMiddleware(
  name: string,
  check: TokenCheck,
  options: BearerMiddlewareOptions = {},
): Middleware {
  const { credentialsRequired = true, realm, setUser = false, ...extraction } = options
  const challenge = realm === undefined ? {} : { realm }
  const fail = (error: unknown): unknown =>
    error instanceof OAuthError ? error.withChallenge(challenge) : error
  const accept = (req: IncomingMessage, auth: AuthContext): void => {
    ;(req as IncomingMessage & { auth?: AuthContext }).auth = auth
    if (setUser) (req as IncomingMessage & { user?: unknown }).user = auth.claims
  }

  const middleware: Middleware = (req, _res, next) => {
    let result: AuthContext | Promise<AuthContext>
    try {
      const found = extractBearerToken(req, extraction)
      if (found === undefined) {
        if (credentialsRequired) next(fail(OAuthError.missingCredentials()))
        else next()
        return
      }
      result = check(found.token)
    } catch (error) {
      next(fail(error))
      return
    }
    if (result instanceof Promise) {
      result.then(
        (auth) => {
          accept(req, auth)
          next()
        },
        (error: unknown) => next(fail(error)),
      )
      return
    }
    accept(req, result)
    next()
  }
  Object.defineProperty(middleware, 'name', { value: name })
  return middleware
}
