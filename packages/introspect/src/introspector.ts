import {
  createAuthContext,
  createMemoryStore,
  OAuthError,
  type AuthContext,
  type FetchLike,
  type Store,
} from '@tokenguard/core'
import {
  checkOptionNames,
  createListeners,
  discoverMetadata,
  fetchJson,
  discoveredUrlProblem,
  insecureUrlProblem,
  MAX_TIMER_MS,
  metadataUrl,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  sha256Base64url,
  UpstreamError,
} from '@tokenguard/core/internal'
import { createClientCredentials } from './internal/client-auth.js'
import { checkIntrospectedClaims, type ClaimRules } from './internal/check-claims.js'
import {
  INTROSPECTOR_OPTION_NAMES,
  type CachedIntrospection,
  type IntrospectorOptions,
} from './options.js'
import { parseIntrospectionResponse } from './internal/parse-response.js'

/** Events an {@link Introspector} reports, for metrics and logs. */
export interface IntrospectorEvents {
  /** The endpoint answered. */
  upstream: { active: boolean; durationMs: number }
  /** The endpoint could not be used; the request got a 503 or a stale result. */
  error: { error: Error }
  /** An active result was served past its TTL because the endpoint is down. */
  stale: { ageMs: number }
  /** The store failed; the request went on without it. */
  store_error: { error: unknown }
}

/** Introspects opaque access tokens (RFC 7662). Build one per app and share it. */
export interface Introspector {
  /**
   * Resolves to the token's {@link AuthContext}, or rejects with an {@link OAuthError}:
   * 401 `invalid_token` (inactive, expired, wrong audience, ...) or 503 when the endpoint
   * cannot be used.
   */
  introspect(token: string): Promise<AuthContext>
  /** Listens to an event; returns a function that stops listening. */
  on<E extends keyof IntrospectorEvents>(
    event: E,
    listener: (detail: IntrospectorEvents[E]) => void,
  ): () => void
}

const PACKAGE = '@tokenguard/introspect'

/**
 * Creates an RFC 7662 introspection client with a cache: results are kept under the
 * SHA-256 of the token (the token itself is never a key), active ones at most
 * `cacheTtlMs` and never past `exp`, inactive ones for `inactiveCacheTtlMs`; concurrent
 * requests for one uncached token share one call; an endpoint that fails is a 503, never
 * a 401.
 *
 * @example
 * const introspector = createIntrospector({
 *   issuer: 'https://login.example.com',
 *   audience: 'https://api.example.com',
 *   clientAuth: { method: 'client_secret_basic', clientId: 'api', clientSecret: secretFromYourVault },
 * })
 * const auth = await introspector.introspect(token)
 */
export function createIntrospector(options: IntrospectorOptions): Introspector {
  const config = resolveOptions(options)
  const events = createListeners<IntrospectorEvents>()
  const credentials = createClientCredentials(options.clientAuth, options.issuer, config.now)
  const inflight = new Map<string, Promise<CachedIntrospection>>()
  let endpoint: Promise<string> | undefined

  function endpointUrl(): Promise<string> {
    if (options.introspectionEndpoint !== undefined) {
      return Promise.resolve(options.introspectionEndpoint)
    }
    endpoint ??= discoverMetadata(options.issuer, {
      fetch: config.fetch,
      timeoutMs: config.timeoutMs,
    }).then((metadata) => {
      const url = metadataUrl(metadata, 'introspection_endpoint')
      const problem = discoveredUrlProblem(url, options.issuer, config.allowInsecureHttp)
      if (problem !== undefined)
        throw new UpstreamError(`introspection_endpoint ${problem}`, 'invalid')
      return url
    })
    endpoint.catch(() => {
      endpoint = undefined
    })
    return endpoint
  }

  async function callEndpoint(token: string): Promise<CachedIntrospection> {
    const started = config.now()
    const url = await endpointUrl()
    const auth = await credentials()
    const body = new URLSearchParams({ token, token_type_hint: 'access_token', ...auth.params })
    const answer = await fetchJson(config.fetch, url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
      body: body.toString(),
      timeoutMs: config.timeoutMs,
      maxBytes: config.maxResponseBytes,
    })
    const response = parseIntrospectionResponse(answer)
    const now = config.now()
    events.emit('upstream', { active: response.active, durationMs: now - started })
    if (!response.active) return { active: false, freshUntilMs: now + config.inactiveCacheTtlMs }
    const exp = response.claims.exp
    const expMs = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY
    return {
      active: true,
      claims: response.claims,
      freshUntilMs: Math.min(now + config.cacheTtlMs, expMs),
    }
  }

  async function storeGet(key: string): Promise<CachedIntrospection | undefined> {
    if (config.store === undefined) return undefined
    try {
      return await config.store.get(key)
    } catch (error) {
      events.emit('store_error', { error })
      return undefined
    }
  }

  function storeSet(key: string, entry: CachedIntrospection): void {
    const now = config.now()
    let ttl = entry.freshUntilMs - now
    if (entry.active) {
      const exp = entry.claims.exp
      const expMs = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY
      ttl = Math.min(entry.freshUntilMs + config.serveStaleMs, expMs) - now
    }
    if (ttl <= 0 || config.store === undefined) return
    config.store
      .set(key, entry, ttl)
      .catch((error: unknown) => events.emit('store_error', { error }))
  }

  async function lookup(key: string, token: string): Promise<CachedIntrospection> {
    const cached = await storeGet(key)
    if (cached !== undefined && config.now() < cached.freshUntilMs) return cached
    try {
      const fresh = await callEndpoint(token)
      storeSet(key, fresh)
      return fresh
    } catch (error) {
      const failure = error instanceof Error ? error : new Error('introspection failed')
      events.emit('error', { error: failure })
      const now = config.now()
      if (cached?.active === true && now < cached.freshUntilMs + config.serveStaleMs) {
        events.emit('stale', { ageMs: now - cached.freshUntilMs })
        return cached
      }
      throw OAuthError.temporarilyUnavailable('introspection_unavailable', config.retryAfterSec, {
        cause: failure,
      })
    }
  }

  async function introspect(token: string): Promise<AuthContext> {
    if (typeof token !== 'string' || token.length === 0 || token.length > config.maxTokenBytes) {
      throw OAuthError.invalidToken('token_too_large', 'The access token is too large')
    }
    const key = sha256Base64url(token)
    let pending = inflight.get(key)
    if (pending === undefined) {
      pending = lookup(key, token).finally(() => inflight.delete(key))
      inflight.set(key, pending)
    }
    const entry = await pending
    if (!entry.active)
      throw OAuthError.invalidToken('token_inactive', 'The access token is not active')
    checkIntrospectedClaims(entry.claims, config.rules, config.now())
    const issuer = typeof entry.claims.iss === 'string' ? entry.claims.iss : options.issuer
    return createAuthContext(
      { claims: { ...entry.claims }, issuer, source: 'introspection' },
      token,
    )
  }

  return { introspect, on: events.on }
}

interface ResolvedOptions {
  rules: ClaimRules
  /** Where results are kept; `undefined` when caching is off (`cacheMaxEntries: 0`). */
  store: Store<CachedIntrospection> | undefined
  fetch: FetchLike
  now: () => number
  cacheTtlMs: number
  inactiveCacheTtlMs: number
  serveStaleMs: number
  retryAfterSec: number
  timeoutMs: number
  maxResponseBytes: number
  maxTokenBytes: number
  allowInsecureHttp: boolean
}

function resolveOptions(options: IntrospectorOptions): ResolvedOptions {
  checkOptionNames(PACKAGE, options, INTROSPECTOR_OPTION_NAMES)
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError(
      `${PACKAGE}: issuer is required (the authorization server's issuer identifier)`,
    )
  }
  const audiences =
    typeof options.audience === 'string' ? [options.audience] : (options.audience ?? [])
  if (audiences.length === 0 || audiences.some((aud) => typeof aud !== 'string' || aud === '')) {
    throw new TypeError(`${PACKAGE}: audience is required (the "aud" your API accepts)`)
  }
  const allowInsecureHttp = options.allowInsecureHttp ?? false
  for (const name of ['issuer', 'introspectionEndpoint'] as const) {
    const url = options[name]
    if (url === undefined) continue
    const problem = insecureUrlProblem(url, allowInsecureHttp)
    if (problem !== undefined) throw new TypeError(`${PACKAGE}: ${name} "${url}" ${problem}`)
  }
  const cacheMaxEntries = nonNegativeNumber(
    PACKAGE,
    'cacheMaxEntries',
    options.cacheMaxEntries,
    10_000,
  )
  const acceptMissingAudience = options.acceptMissingAudience ?? false
  if (typeof acceptMissingAudience !== 'boolean') {
    throw new TypeError(`${PACKAGE}: acceptMissingAudience must be true or false`)
  }
  return {
    rules: {
      issuer: options.issuer,
      claims: {
        audiences: new Set(audiences),
        acceptMissingAudience,
        // RFC 7662 §2.2: exp is optional; "active" is the server's word that the token lives.
        requireExpiry: false,
        requiredClaims: [...(options.requiredClaims ?? [])],
        maxTokenAgeSec: undefined,
        toleranceSec: nonNegativeNumber(PACKAGE, 'clockToleranceSec', options.clockToleranceSec, 5),
      },
    },
    store:
      options.store ??
      (cacheMaxEntries === 0
        ? undefined
        : createMemoryStore<CachedIntrospection>({
            maxEntries: cacheMaxEntries,
            maxBytes: 16 * 1024 * 1024,
            sizeOf: (entry) => (entry.active ? JSON.stringify(entry.claims).length + 128 : 64),
            ...(options.now === undefined ? {} : { now: options.now }),
          })),
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    cacheTtlMs: nonNegativeNumber(PACKAGE, 'cacheTtlMs', options.cacheTtlMs, 300_000),
    inactiveCacheTtlMs: nonNegativeNumber(
      PACKAGE,
      'inactiveCacheTtlMs',
      options.inactiveCacheTtlMs,
      10_000,
    ),
    serveStaleMs: nonNegativeNumber(PACKAGE, 'serveStaleMs', options.serveStaleMs, 0),
    retryAfterSec: nonNegativeNumber(PACKAGE, 'retryAfterSec', options.retryAfterSec, 5),
    timeoutMs: positiveNumber(PACKAGE, 'timeoutMs', options.timeoutMs, 5_000, MAX_TIMER_MS),
    maxResponseBytes: positiveInteger(
      PACKAGE,
      'maxResponseBytes',
      options.maxResponseBytes,
      65_536,
    ),
    maxTokenBytes: positiveInteger(PACKAGE, 'maxTokenBytes', options.maxTokenBytes, 16_384),
    allowInsecureHttp,
  }
}
