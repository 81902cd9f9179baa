import type { IncomingMessage } from 'node:http'
import {
  checkOptionNames,
  extractBearerToken,
  OAuthError,
  type AuthContext,
  type Middleware,
  type TokenExtractionOptions,
} from '@tokenguard/core'
import { VERIFIER_OPTION_NAMES, type JwtVerifierOptions } from './options.js'
import { createJwtVerifier, fastPathOf, type JwtVerifier } from './verifier.js'

/** Options of {@link jwtBearer}: a verifier (or its options) and how requests are read. */
export interface JwtBearerOptions
  extends JwtVerifierOptions, Omit<TokenExtractionOptions, 'maxTokenBytes'> {
  /** A verifier to share between middlewares and apps; then give no verifier options. */
  verifier?: JwtVerifier
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

const PACKAGE = '@tokenguard/jwt-verify'
const MIDDLEWARE_OPTION_NAMES = [
  'verifier',
  'credentialsRequired',
  'realm',
  'setUser',
  'allowBodyToken',
  'allowQueryToken',
]

/**
 * Express/Connect middleware that accepts a JWT access token (RFC 6750, RFC 9068) and sets
 * `req.auth`, or passes an {@link OAuthError} to `next`: 401 with the challenge for a
 * missing or invalid token, 400 for a malformed request, 503 with `Retry-After` when the
 * issuer's keys cannot be fetched. Build it once; the verifier and its JWKS cache live
 * as long as the middleware.
 *
 * @example
 * app.use('/api', jwtBearer({ issuer: 'https://login.example.com/', audience: 'https://api.example.com' }))
 * app.get('/api/pets', requireScopes('pets:read'), listPets)
 * app.use(oauthErrorHandler())
 */
export function jwtBearer(options: JwtBearerOptions): Middleware {
  checkOptionNames(PACKAGE, options, [...VERIFIER_OPTION_NAMES, ...MIDDLEWARE_OPTION_NAMES])
  const {
    verifier: shared,
    credentialsRequired = true,
    realm,
    setUser = false,
    allowBodyToken = false,
    allowQueryToken = false,
    ...verifierOptions
  } = options
  if (shared !== undefined && Object.keys(verifierOptions).length > 0) {
    throw new TypeError(
      `${PACKAGE}: give either verifier or verifier options (${Object.keys(verifierOptions).join(', ')}), not both`,
    )
  }
  const verifier = shared ?? createJwtVerifier(verifierOptions)
  const verify = fastPathOf(verifier)
  const extraction: TokenExtractionOptions = {
    allowBodyToken,
    allowQueryToken,
    maxTokenBytes: verifierOptions.maxTokenBytes ?? 16_384,
  }
  const challenge = realm === undefined ? {} : { realm }
  const fail = (error: unknown): unknown =>
    error instanceof OAuthError ? error.withChallenge(challenge) : error

  function accept(req: IncomingMessage, auth: AuthContext): void {
    ;(req as IncomingMessage & { auth?: AuthContext }).auth = auth
    if (setUser) (req as IncomingMessage & { user?: unknown }).user = auth.claims
  }

  return function jwtBearerMiddleware(req, _res, next) {
    let result: AuthContext | Promise<AuthContext>
    try {
      const found = extractBearerToken(req, extraction)
      if (found === undefined) {
        if (credentialsRequired) next(fail(OAuthError.missingCredentials()))
        else next()
        return
      }
      result = verify(found.token)
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
}
