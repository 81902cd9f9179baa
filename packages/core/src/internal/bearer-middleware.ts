import type { IncomingMessage } from 'node:http'
import type { AuthContext } from '../auth-context.js'
import {
  extractBearerToken,
  type AccessTokenScheme,
  type TokenExtractionOptions,
} from '../extract-token.js'
import type { Middleware } from '../middleware.js'
import { OAuthError } from '../oauth-error.js'
import type { TokenBinding } from '../token-binding.js'
import { optionNames } from './check-options.js'

/** Checks a token: an {@link AuthContext} at once or later, or an {@link OAuthError} thrown. */
export type TokenCheck = (token: string) => AuthContext | Promise<AuthContext>

/** Options every bearer middleware of the suite shares. */
export interface BearerMiddlewareOptions extends Omit<TokenExtractionOptions, 'schemes'> {
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
  /**
   * A sender constraint for the token, such as `dpop({ mode: 'required' })` of
   * `@tokenguard/dpop` (RFC 9449). Default: none (bearer tokens, RFC 6750).
   */
  dpop?: TokenBinding
}

/** The option names of {@link BearerMiddlewareOptions}, for typo detection. */
export const BEARER_MIDDLEWARE_OPTION_NAMES: readonly string[] =
  optionNames<BearerMiddlewareOptions>()([
    'credentialsRequired',
    'realm',
    'setUser',
    'allowBodyToken',
    'allowQueryToken',
    'maxTokenBytes',
    'dpop',
  ])

/** Options of a token verifier that the request half reads too. */
const SHARED_WITH_VERIFIER = new Set(['maxTokenBytes'])

/**
 * Splits the options of a bearer middleware (`jwtBearer`, `introspectionBearer`, ...) into
 * the request half's and the rest, the verifier's. `maxTokenBytes` goes to both, so the
 * request is refused before extraction copies an oversized token.
 *
 * @example
 * const { bearer, rest } = splitBearerOptions(options)
 * const verifier = createJwtVerifier(rest)
 */
export function splitBearerOptions<Options extends BearerMiddlewareOptions>(
  options: Options,
): { bearer: BearerMiddlewareOptions; rest: Omit<Options, keyof BearerMiddlewareOptions> } {
  const bearer: Record<string, unknown> = {}
  const rest: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue
    const own = BEARER_MIDDLEWARE_OPTION_NAMES.includes(name)
    if (own) bearer[name] = value
    if (!own || SHARED_WITH_VERIFIER.has(name)) rest[name] = value
  }
  return {
    bearer,
    rest: rest as Omit<Options, keyof BearerMiddlewareOptions>,
  }
}

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
  const { credentialsRequired = true, realm, setUser = false, dpop, ...rest } = options
  const extraction: TokenExtractionOptions =
    dpop === undefined ? rest : { ...rest, schemes: dpop.schemes }
  const challenge = realm === undefined ? {} : { realm }
  // Every refusal is a fresh error: dressing it (realm, DPoP) never touches another request's.
  const fail = (error: unknown, scheme?: AccessTokenScheme): unknown => {
    if (!(error instanceof OAuthError)) return error
    const dressed = error.withChallenge(challenge)
    return dpop === undefined ? dressed : dpop.decorate(dressed, scheme)
  }
  const accept = (req: IncomingMessage, auth: AuthContext): void => {
    ;(req as IncomingMessage & { auth?: AuthContext }).auth = auth
    if (setUser) (req as IncomingMessage & { user?: unknown }).user = auth.claims
  }

  const middleware: Middleware = (req, res, next) => {
    let result: AuthContext | Promise<AuthContext> | undefined
    let scheme: AccessTokenScheme | undefined
    let refused: unknown
    let refusedAt = false
    try {
      const found = extractBearerToken(req, extraction)
      if (found !== undefined) {
        scheme = found.scheme
        result = check(found.token)
        if (dpop !== undefined) {
          const used = found.scheme
          result =
            result instanceof Promise
              ? result.then((auth) => dpop.bind(auth, used, req, res))
              : dpop.bind(result, used, req, res)
        }
      } else if (credentialsRequired) {
        refused = fail(OAuthError.missingCredentials())
        refusedAt = true
      }
    } catch (error) {
      refused = fail(error, scheme)
      refusedAt = true
    }
    // `next` is called once, outside the `try`: an error thrown downstream is not a token error.
    if (refusedAt) {
      next(refused)
      return
    }
    if (result === undefined) {
      next()
      return
    }
    if (result instanceof Promise) {
      result.then(
        (auth) => {
          accept(req, auth)
          next()
        },
        (error: unknown) => next(fail(error, scheme)),
      )
      return
    }
    accept(req, result)
    next()
  }
  Object.defineProperty(middleware, 'name', { value: name })
  return middleware
}
