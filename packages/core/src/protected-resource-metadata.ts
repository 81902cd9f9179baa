import type { IncomingMessage } from 'node:http'
import { publicUrlProblem } from './internal/public-url.js'
import { resourceMetadataJson } from './internal/resource-metadata-document.js'
import type { Middleware } from './middleware.js'

const WELL_KNOWN = '/.well-known/oauth-protected-resource'
const DEFAULT_CACHE_MAX_AGE_SEC = 3600

/** How a bearer token may be sent: RFC 6750 §2.1 header, §2.2 form body, §2.3 query. */
export type BearerMethod = 'header' | 'body' | 'query'

/**
 * Options of {@link protectedResourceMetadata}: the members of the metadata document under
 * their RFC 9728 §2 names, plus `additionalMetadata` and `cacheMaxAgeSec`. Build them from the
 * configuration of the verifier: `resource` is its `audience`, `authorization_servers` its
 * `issuer`. Every URL must be https (http only on localhost).
 */
export interface ProtectedResourceMetadataOptions {
  /**
   * The resource identifier: the https URL clients use as the audience of their tokens,
   * without query or fragment, e.g. `'https://api.example.com'`. Written as given.
   */
  resource: string
  /** Issuer identifiers of the authorization servers whose tokens the resource accepts. */
  authorization_servers?: readonly string[]
  /** URL of the resource's own JWK Set (for signed responses or encrypted requests). */
  jwks_uri?: string
  /** Scopes the resource uses in authorization requests. */
  scopes_supported?: readonly string[]
  /**
   * How bearer tokens may be sent: `'body'` and `'query'` only when the bearer middleware
   * has `allowBodyToken` or `allowQueryToken`. Default: `['header']`.
   */
  bearer_methods_supported?: readonly BearerMethod[]
  /** JWS algorithms the resource signs its responses with (never `none`). */
  resource_signing_alg_values_supported?: readonly string[]
  /** Human-readable name of the resource. */
  resource_name?: string
  /** URL of the developer documentation of the resource. */
  resource_documentation?: string
  /** URL of the policy on how clients may use the data of the resource. */
  resource_policy_uri?: string
  /** URL of the terms of service of the resource. */
  resource_tos_uri?: string
  /** Whether the resource supports mutual-TLS bound access tokens (RFC 8705). */
  tls_client_certificate_bound_access_tokens?: boolean
  /** `authorization_details` types the resource understands (RFC 9396). */
  authorization_details_types_supported?: readonly string[]
  /** JWS algorithms the resource accepts for DPoP proofs (RFC 9449): asymmetric only. */
  dpop_signing_alg_values_supported?: readonly string[]
  /** Whether the resource always requires DPoP-bound access tokens (RFC 9449). */
  dpop_bound_access_tokens_required?: boolean
  /** A JWT, signed by a third party, that asserts metadata values (RFC 9728 §2.2). */
  signed_metadata?: string
  /** Further members (RFC 9728 §2 allows them), JSON values, after the ones above. */
  additionalMetadata?: Readonly<Record<string, unknown>>
  /** `max-age` of the `Cache-Control` header, in seconds. Default: 3600 (1 h). */
  cacheMaxAgeSec?: number
}

/**
 * The URL of the metadata of `resource` (RFC 9728 §3.1): `/.well-known/oauth-protected-resource`
 * inserted between the host and the path, for the `resource_metadata` challenge parameter.
 * Throws a `TypeError` when `resource` is not an https URL without query or fragment (http is
 * allowed on localhost).
 *
 * @example
 * protectedResourceMetadataUrl('https://api.example.com/v1')
 * // 'https://api.example.com/.well-known/oauth-protected-resource/v1'
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const problem = publicUrlProblem(resource, true)
  if (problem !== undefined) {
    throw new TypeError(`@tokenguard/core: protectedResourceMetadataUrl resource ${problem}`)
  }
  const { origin, pathname } = new URL(resource)
  // RFC 9728 §3.1: a terminating slash after the host is removed before inserting.
  return `${origin}${WELL_KNOWN}${pathname === '/' ? '' : pathname}`
}

/**
 * Middleware that serves the protected resource metadata (RFC 9728) of one resource: 200 JSON
 * to GET and HEAD on its well-known path (`/.well-known/oauth-protected-resource`, plus the
 * path of `resource` if it has one), with `Cache-Control: public, max-age=3600`; 405 with
 * `Allow: GET, HEAD` to other methods there; `next()` for every other path. Mount it at the
 * root of the app. The document is validated and serialised once; a bad option throws a
 * `TypeError` at start-up.
 *
 * @example
 * const resource = 'https://api.example.com'
 * app.use(protectedResourceMetadata({
 *   resource,
 *   authorization_servers: ['https://login.example.com/'],
 *   scopes_supported: ['read:pets', 'write:pets'],
 * }))
 * app.use(jwtBearer({ issuer: 'https://login.example.com/', audience: resource }))
 * app.use(oauthErrorHandler({ resourceMetadata: protectedResourceMetadataUrl(resource) }))
 */
export function protectedResourceMetadata(options: ProtectedResourceMetadataOptions): Middleware {
  const body = Buffer.from(resourceMetadataJson(options))
  const path = new URL(protectedResourceMetadataUrl(options.resource)).pathname
  const cacheControl = `public, max-age=${String(cacheMaxAgeOf(options.cacheMaxAgeSec))}`
  return function protectedResourceMetadataMiddleware(req, res, next) {
    if (pathOf(req) !== path) {
      next()
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405
      res.setHeader('Allow', 'GET, HEAD')
      res.setHeader('Content-Length', 0)
      res.end()
      return
    }
    res.statusCode = 200
    res.setHeader('Content-Type', 'application/json')
    res.setHeader('Content-Length', body.length)
    res.setHeader('Cache-Control', cacheControl)
    if (req.method === 'HEAD') res.end()
    else res.end(body)
  }
}

function cacheMaxAgeOf(value: unknown): number {
  if (value === undefined) return DEFAULT_CACHE_MAX_AGE_SEC
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(
      '@tokenguard/core: protectedResourceMetadata cacheMaxAgeSec must be a whole number of ' +
        'seconds, 0 or more, e.g. 3600',
    )
  }
  return value
}

// The full path whatever the mount point (Express and Connect keep it in `originalUrl`).
function pathOf(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/'
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}
