// Every middleware the benchmark compares, built the same way for both layers: the
// in-process tasks call them with a fake request, the HTTP servers mount them on one route.
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { oauthErrorHandler, type AuthContext } from '@tokenguard/core'
import type { ErrorRequestHandler, RequestHandler } from 'express'
import { BENCH_DIR } from './child.js'
import { peerErrorHandler } from './peers/error-handler.js'
import type {
  BenchIssuerConfig,
  IntrospectionImplementationId,
  JwtImplementationId,
} from './protocol.js'
import { BENCH_ALGORITHMS, type BenchAlgorithm } from './tokens.js'

/** Hooks a tokenguard middleware reports to, for the servers' counters. */
export interface Hooks {
  /** Called once per full verification (never on a cache hit). */
  readonly onFullVerification?: () => void
}

/**
 * One JWT middleware: how to build it, and the error handler its app mounts. `create`
 * imports the implementation's packages on first use, so a server process loads only its
 * own middleware.
 */
export interface JwtImplementation {
  readonly id: JwtImplementationId
  readonly label: string
  /** The npm packages it is made of, for the versions in the report. */
  readonly packages: readonly string[]
  readonly algorithms: readonly BenchAlgorithm[]
  readonly create: (
    config: BenchIssuerConfig,
    alg: BenchAlgorithm,
    hooks: Hooks,
  ) => Promise<RequestHandler>
  readonly errorHandler: ErrorRequestHandler
}

const JSONWEBTOKEN_ALGORITHMS: readonly BenchAlgorithm[] = ['RS256', 'ES256']

export const JWT_IMPLEMENTATIONS: readonly JwtImplementation[] = [
  {
    id: 'tokenguard',
    label: 'tokenguard jwtBearer (defaults)',
    packages: ['@tokenguard/jwt-verify'],
    algorithms: BENCH_ALGORITHMS,
    create: async ({ issuer, audience, jwksUri }, _alg, hooks) => {
      const { createJwtVerifier, jwtBearer } = await import('@tokenguard/jwt-verify')
      const verifier = createJwtVerifier({ issuer, audience, jwksUri })
      const counted = hooks.onFullVerification
      if (counted === undefined) return jwtBearer({ verifier }) as RequestHandler
      // A cache hit hands out the AuthContext of an earlier verification; a full verification
      // builds a new one: a context not seen before is one full verification.
      const seen = new WeakSet<object>()
      const count = (auth: AuthContext): AuthContext => {
        if (!seen.has(auth)) {
          seen.add(auth)
          counted()
        }
        return auth
      }
      const check = (token: string) => {
        const result = verifier.check(token)
        return result instanceof Promise ? result.then(count) : count(result)
      }
      return jwtBearer({ verifier: { ...verifier, check } }) as RequestHandler
    },
    errorHandler: oauthErrorHandler() as ErrorRequestHandler,
  },
  {
    id: 'jose',
    label: "jose: the seeds' createRemoteJWKSet + jwtVerify middleware",
    packages: ['jose'],
    algorithms: BENCH_ALGORITHMS,
    create: async (config) => (await import('./peers/jose-middleware.js')).joseMiddleware(config),
    errorHandler: peerErrorHandler,
  },
  {
    id: 'express-oauth2-jwt-bearer',
    label: 'express-oauth2-jwt-bearer auth()',
    packages: ['express-oauth2-jwt-bearer'],
    algorithms: BENCH_ALGORITHMS,
    create: async (config, alg) =>
      (await import('./peers/express-oauth2-jwt-bearer.js')).expressOauth2JwtBearer(config, alg),
    errorHandler: peerErrorHandler,
  },
  {
    id: 'express-jwt',
    label: 'express-jwt + jwks-rsa',
    packages: ['express-jwt', 'jwks-rsa'],
    algorithms: JSONWEBTOKEN_ALGORITHMS,
    create: async (config, alg) =>
      (await import('./peers/express-jwt.js')).expressJwtMiddleware(config, alg),
    errorHandler: peerErrorHandler,
  },
  {
    id: 'aws-jwt-verify',
    label: 'aws-jwt-verify JwtVerifier in a small middleware',
    packages: ['aws-jwt-verify'],
    algorithms: BENCH_ALGORITHMS,
    create: async (config) =>
      (await import('./peers/aws-jwt-verify.js')).awsJwtVerifyMiddleware(config),
    errorHandler: peerErrorHandler,
  },
  {
    id: 'passport-jwt',
    label: 'passport + passport-jwt + jwks-rsa',
    packages: ['passport', 'passport-jwt', 'jwks-rsa'],
    algorithms: JSONWEBTOKEN_ALGORITHMS,
    create: async (config, alg) =>
      (await import('./peers/passport-jwt.js')).passportJwtMiddleware(config, alg),
    errorHandler: peerErrorHandler,
  },
]

/** The JWT implementation with this id. */
export function jwtImplementation(id: JwtImplementationId): JwtImplementation {
  const found = JWT_IMPLEMENTATIONS.find((impl) => impl.id === id)
  if (found === undefined) throw new Error(`bench: no JWT implementation "${id}"`)
  return found
}

/** One introspection middleware. */
export interface IntrospectionImplementation {
  readonly id: IntrospectionImplementationId
  readonly label: string
  readonly packages: readonly string[]
  readonly create: (config: BenchIssuerConfig) => Promise<RequestHandler>
  readonly errorHandler: ErrorRequestHandler
}

export const INTROSPECTION_IMPLEMENTATIONS: readonly IntrospectionImplementation[] = [
  {
    id: 'tokenguard',
    label: 'tokenguard introspectionBearer (defaults)',
    packages: ['@tokenguard/introspect'],
    create: async ({ issuer, audience, introspectionEndpoint, clientId, clientSecret }) =>
      (await import('@tokenguard/introspect')).introspectionBearer({
        issuer,
        audience,
        introspectionEndpoint,
        clientAuth: { method: 'client_secret_basic', clientId, clientSecret },
      }) as RequestHandler,
    errorHandler: oauthErrorHandler() as ErrorRequestHandler,
  },
  {
    id: 'node-cache',
    label: "the seeds' node-cache introspection middleware",
    packages: ['node-cache'],
    create: async (config) =>
      (await import('./peers/node-cache-introspection.js')).nodeCacheIntrospection(config),
    errorHandler: peerErrorHandler,
  },
]

/** The introspection implementation with this id. */
export function introspectionImplementation(
  id: IntrospectionImplementationId,
): IntrospectionImplementation {
  const found = INTROSPECTION_IMPLEMENTATIONS.find((impl) => impl.id === id)
  if (found === undefined) throw new Error(`bench: no introspection implementation "${id}"`)
  return found
}

const DIGESTS: Readonly<Record<BenchAlgorithm, string | null>> = {
  RS256: 'sha256',
  ES256: 'sha256',
  EdDSA: null,
}

/** The issuer's current public key for `alg`, as a `node:crypto` key ready for `verify`. */
export function ceilingKey(
  jwks: { keys: object[] },
  alg: BenchAlgorithm,
): { digest: string | null; key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } } {
  const jwk = jwks.keys.findLast((candidate) => (candidate as { alg?: unknown }).alg === alg)
  if (jwk === undefined) throw new Error(`bench: the JWKS has no ${alg} key`)
  const keyObject = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
  const key = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject
  return { digest: DIGESTS[alg], key }
}

/**
 * The node:crypto ceiling as a middleware: split the token at its last dot and check the
 * signature with a prepared key, nothing else (no header, no claims). What any verifier
 * must at least do per token.
 */
export function ceilingMiddleware(jwks: { keys: object[] }, alg: BenchAlgorithm): RequestHandler {
  const { digest, key } = ceilingKey(jwks, alg)
  return (req, res, next) => {
    const token = (req.headers.authorization ?? '').slice('Bearer '.length)
    const dot = token.lastIndexOf('.')
    const data = Buffer.from(token.slice(0, dot), 'latin1')
    const signature = Buffer.from(token.slice(dot + 1), 'base64url')
    if (verify(digest, data, key, signature)) next()
    else res.status(401).end()
  }
}

/** Installed versions of `packages`, read from bench/node_modules. */
export function versionsOf(packages: readonly string[]): string {
  return packages
    .map((name) => {
      try {
        const manifest = readFileSync(join(BENCH_DIR, 'node_modules', name, 'package.json'), 'utf8')
        return `${name} ${(JSON.parse(manifest) as { version: string }).version}`
      } catch {
        return `${name} (version unknown)`
      }
    })
    .join(', ')
}
