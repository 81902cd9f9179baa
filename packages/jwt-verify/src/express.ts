import type { BearerMiddlewareOptions, Middleware } from '@tokenguard/core'
import {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  checkOptionNames,
  createBearerMiddleware,
  splitBearerOptions,
} from '@tokenguard/core/internal'
import { peekJwt } from './internal/peek-jwt.js'
import { VERIFIER_OPTION_NAMES, type JwtVerifierOptions } from './options.js'
import { createJwtVerifier, type JwtVerifier } from './verifier.js'

/** Options of {@link jwtBearer}: a verifier (or its options) and how requests are read. */
export interface JwtBearerOptions
  extends JwtVerifierOptions, Omit<BearerMiddlewareOptions, 'maxTokenBytes'> {
  /** A verifier to share between middlewares and apps; then give no verifier options. */
  verifier?: JwtVerifier
}

const PACKAGE = '@tokenguard/jwt-verify'
const JWT_BEARER_OPTION_NAMES = [
  ...VERIFIER_OPTION_NAMES,
  ...BEARER_MIDDLEWARE_OPTION_NAMES,
  'verifier',
]

/**
 * Express/Connect middleware that accepts a JWT access token (RFC 6750, RFC 9068) and sets
 * `req.auth`, or passes an `OAuthError` to `next`: 401 with the challenge for a missing or
 * invalid token, 400 for a malformed request, 503 with `Retry-After` when the issuer's
 * keys cannot be fetched. Build it once; the verifier and its JWKS cache live as long as
 * the middleware.
 *
 * @example
 * app.use('/api', jwtBearer({ issuer: 'https://login.example.com/', audience: 'https://api.example.com' }))
 * app.get('/api/pets', requireScopes('pets:read'), listPets)
 * app.use(oauthErrorHandler())
 */
export function jwtBearer(options: JwtBearerOptions): Middleware {
  checkOptionNames(PACKAGE, options, JWT_BEARER_OPTION_NAMES)
  const { bearer, rest } = splitBearerOptions(options)
  const { verifier: shared, ...verifierOptions } = rest
  if (shared !== undefined && Object.keys(verifierOptions).length > 0) {
    throw new TypeError(
      `${PACKAGE}: give either verifier or verifier options (${Object.keys(verifierOptions).join(', ')}), not both`,
    )
  }
  const verifier = shared ?? createJwtVerifier(verifierOptions)
  return createBearerMiddleware('jwtBearerMiddleware', verifier.check, bearer, {
    trusted: verifier.trusted,
    peek: peekJwt,
  })
}
