import type { BearerMiddlewareOptions, Middleware } from '@tokenguard/core'
import {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  checkOptionNames,
  createBearerMiddleware,
} from '@tokenguard/core/internal'
import type { JwtVerifier } from '@tokenguard/jwt-verify'
import { isJwtShaped, peekJwt } from '@tokenguard/jwt-verify/internal'
import type { Introspector } from './introspector.js'

/** Options of {@link hybridBearer}. */
export interface HybridBearerOptions extends BearerMiddlewareOptions {
  /** Verifies every token with two dots (a JWS or JWE shape), malformed ones included. */
  jwt: JwtVerifier
  /** Introspects every other token. */
  introspection: Introspector
}

const PACKAGE = '@tokenguard/introspect'

/**
 * One middleware for APIs in migration: every token with two dots goes to the JWT verifier
 * (so a malformed JWT still meets the JWT rules), every other token to introspection. Both produce the same `req.auth`, so guards work unchanged.
 *
 * @example
 * app.use('/api', hybridBearer({ jwt: createJwtVerifier({ ... }), introspection: createIntrospector({ ... }) }))
 */
export function hybridBearer(options: HybridBearerOptions): Middleware {
  checkOptionNames(PACKAGE, options, [...BEARER_MIDDLEWARE_OPTION_NAMES, 'jwt', 'introspection'])
  const { jwt, introspection, ...middlewareOptions } = options
  if (typeof jwt?.check !== 'function') {
    throw new TypeError(`${PACKAGE}: jwt must be a JWT verifier (createJwtVerifier())`)
  }
  if (typeof introspection?.check !== 'function') {
    throw new TypeError(`${PACKAGE}: introspection must be an introspector (createIntrospector())`)
  }
  const trusted = [...(jwt.trusted ?? []), ...(introspection.trusted ?? [])]
  return createBearerMiddleware(
    'hybridBearerMiddleware',
    (token) => (isJwtShaped(token) ? jwt.check(token) : introspection.check(token)),
    middlewareOptions,
    { trusted, peek: (token) => (isJwtShaped(token) ? peekJwt(token) : undefined) },
  )
}
