import { type AuthContext, type BearerMiddlewareOptions, type Middleware } from '@tokenguard/core'
import {
  BEARER_MIDDLEWARE_OPTION_NAMES,
  checkOptionNames,
  createBearerMiddleware,
} from '@tokenguard/core/internal'
import type { Introspector } from './introspector.js'

/** Anything that verifies JWT access tokens, such as `createJwtVerifier()` of `@tokenguard/jwt-verify`. */
export interface JwtTokenVerifier {
  verify(token: string): Promise<AuthContext>
}

/** Options of {@link hybridBearer}. */
export interface HybridBearerOptions extends BearerMiddlewareOptions {
  /** Verifies JWT-shaped tokens. */
  jwt: JwtTokenVerifier
  /** Introspects every other token. */
  introspection: Introspector
}

const PACKAGE = '@tokenguard/introspect'
// A compact JWS: three base64url parts, the first a JSON object (so it starts with "ey").
const JWT_SHAPE = /^ey[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** True when `token` has the shape of a compact JWS, which {@link hybridBearer} sends to the JWT verifier. */
export function isJwtShaped(token: string): boolean {
  return JWT_SHAPE.test(token)
}

/**
 * One middleware for APIs in migration: JWT-shaped tokens go to the JWT verifier, every
 * other token to introspection. Both produce the same `req.auth`, so guards work unchanged.
 *
 * @example
 * app.use('/api', hybridBearer({ jwt: createJwtVerifier({ ... }), introspection: createIntrospector({ ... }) }))
 */
export function hybridBearer(options: HybridBearerOptions): Middleware {
  checkOptionNames(PACKAGE, options, [...BEARER_MIDDLEWARE_OPTION_NAMES, 'jwt', 'introspection'])
  const { jwt, introspection, ...middlewareOptions } = options
  if (typeof jwt?.verify !== 'function') {
    throw new TypeError(`${PACKAGE}: jwt must be a JWT verifier (createJwtVerifier())`)
  }
  if (typeof introspection?.introspect !== 'function') {
    throw new TypeError(`${PACKAGE}: introspection must be an introspector (createIntrospector())`)
  }
  return createBearerMiddleware(
    'hybridBearerMiddleware',
    (token) => (isJwtShaped(token) ? jwt.verify(token) : introspection.introspect(token)),
    middlewareOptions,
  )
}
