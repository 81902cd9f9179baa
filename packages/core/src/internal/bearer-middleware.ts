import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AuthContext } from '../auth-context.js'
import {
  extractBearerToken,
  type AccessTokenScheme,
  type TokenExtractionOptions,
} from '../extract-token.js'
import type { Middleware } from '../middleware.js'
import { OAuthError } from '../oauth-error.js'
import type { RefusalListener } from '../refusal-report.js'
import type { TokenBinding } from '../token-binding.js'
import { optionNames } from './check-options.js'
import { checkConfirmation } from './confirmation.js'
import { createRefusalReporter, type RefusalContext } from './refusal-reporter.js'

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
  /**
   * Accept, as a bearer token, a token bound (`cnf`, RFC 7800) to something this middleware
   * cannot check: `cnf.jkt` without the `dpop` option, a certificate thumbprint
   * (`x5t#S256`, RFC 8705 mTLS, which tokenguard does not check), any other confirmation
   * method. Off by default: such a token is 401 `invalid_token` (`unverifiable_binding`),
   * since anyone who copied it could use it. Turn it on only while a TLS terminator in front
   * checks the certificate binding itself. Default: `false`.
   */
  acceptUnverifiedCnf?: boolean
  /**
   * Told about every refusal, for the operator (a log line, a metric): the reason, the
   * expected and received `iss` and `aud`, the JWT's `kid` and `alg`, a note on a
   * trailing-slash-only issuer mismatch, and the upstream cause of a 503; never the token.
   * The client's answer does not change. A listener that throws is ignored.
   *
   * @example
   * jwtBearer({ issuer, audience, onRefusal: (report) => logger.warn(report, 'token refused') })
   */
  onRefusal?: RefusalListener
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
    'acceptUnverifiedCnf',
    'onRefusal',
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
  context: RefusalContext = { trusted: [] },
): Middleware {
  const {
    credentialsRequired = true,
    realm,
    setUser = false,
    dpop,
    acceptUnverifiedCnf = false,
    onRefusal,
    ...rest
  } = options
  if (typeof acceptUnverifiedCnf !== 'boolean') {
    throw new TypeError('@tokenguard/core: acceptUnverifiedCnf must be true or false')
  }
  if (onRefusal !== undefined && typeof onRefusal !== 'function') {
    throw new TypeError('@tokenguard/core: onRefusal must be a function (report) => void')
  }
  const report = onRefusal === undefined ? undefined : createRefusalReporter(onRefusal, context)
  const cnfMembers = dpop?.cnfMembers ?? []
  // The binding is checked before anything else is done with the token's context.
  const confirm = acceptUnverifiedCnf
    ? (auth: AuthContext) => auth
    : (auth: AuthContext) => {
        checkConfirmation(auth, cnfMembers)
        return auth
      }
  const extraction: TokenExtractionOptions =
    dpop === undefined ? rest : { ...rest, schemes: dpop.schemes }
  const challenge = realm === undefined ? {} : { realm }
  // Every refusal is a fresh error: dressing it (realm, DPoP challenges) makes a fresh copy
  // for this request alone, so what one request's error handler writes stays with it.
  const fail = (error: unknown, scheme?: AccessTokenScheme, token?: string): unknown => {
    if (!(error instanceof OAuthError)) {
      // Express reads next(undefined) as success: whatever a check throws must be an Error.
      if (error instanceof Error) return error
      const message = '@tokenguard/core: a token check threw a value that is not an Error'
      return new TypeError(message, { cause: error })
    }
    const dressed = error.withChallenge(challenge)
    report?.(dressed, token)
    return dpop === undefined ? dressed : dpop.decorate(dressed, scheme)
  }
  const bind = (
    auth: AuthContext,
    used: AccessTokenScheme,
    req: IncomingMessage,
    res: ServerResponse,
  ): AuthContext | Promise<AuthContext> =>
    dpop === undefined ? confirm(auth) : dpop.bind(confirm(auth), used, req, res)
  const accept = (req: IncomingMessage, auth: AuthContext): void => {
    ;(req as IncomingMessage & { auth?: AuthContext }).auth = auth
    if (setUser) (req as IncomingMessage & { user?: unknown }).user = auth.claims
  }

  const middleware: Middleware = (req, res, next) => {
    // Work out the answer inside the try; call next once, after it: a next that throws is
    // never called again with its own error, nor is its error taken for a token error.
    let result: AuthContext | Promise<AuthContext> | undefined
    let failed = false
    let failure: unknown = undefined
    let scheme: AccessTokenScheme | undefined
    let token: string | undefined
    try {
      const found = extractBearerToken(req, extraction)
      if (found === undefined) {
        failed = credentialsRequired
        if (failed) failure = fail(OAuthError.missingCredentials())
      } else {
        scheme = found.scheme
        token = found.token
        const checked = check(found.token)
        const used = found.scheme
        // A synchronous answer (a cache hit) makes no closure and touches no promise.
        result =
          checked instanceof Promise
            ? checked.then((auth) => bind(auth, used, req, res))
            : bind(checked, used, req, res)
      }
    } catch (error) {
      failed = true
      failure = fail(error, scheme, token)
    }
    if (failed) {
      next(failure)
      return
    }
    if (result instanceof Promise) {
      result.then(
        (auth) => {
          accept(req, auth)
          next()
        },
        (error: unknown) => next(fail(error, scheme, token)),
      )
      return
    }
    if (result !== undefined) accept(req, result)
    next()
  }
  Object.defineProperty(middleware, 'name', { value: name })
  return middleware
}
