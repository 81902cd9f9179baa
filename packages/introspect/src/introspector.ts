import {
  createAuthContext,
  OAuthError,
  type AuthContext,
  type TrustedIssuer,
} from '@tokenguard/core'
import {
  createListeners,
  discoverMetadata,
  discoveredUrlProblem,
  fetchJsonAnswer,
  metadataUrl,
  preloadGlobalFetch,
  UpstreamError,
} from '@tokenguard/core/internal'
import { createCacheKey } from './internal/cache-key.js'
import { createClientCredentials } from './internal/client-auth.js'
import { checkIntrospectedClaims } from './internal/check-claims.js'
import type { CachedIntrospection, IntrospectorOptions } from './options.js'
import { parseIntrospectionResponse } from './internal/parse-response.js'
import { resolveOptions } from './internal/resolve-options.js'
import { tokenErrorOf } from './internal/token-error.js'

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
  /**
   * The same check, answered without a promise when the result is in a store that answers
   * at once (the default in-memory one): the {@link AuthContext}, or a promise of it while
   * the endpoint or an async store (Redis) is asked. Throws (or rejects with) the same
   * {@link OAuthError} as `introspect`. `introspectionBearer` calls this, so a cache hit
   * costs no microtask.
   */
  readonly check: (token: string) => AuthContext | Promise<AuthContext>
  /** The issuer this introspector trusts, with the audiences it accepts. */
  readonly trusted: readonly TrustedIssuer[]
  /** Listens to an event; returns a function that stops listening. */
  on<E extends keyof IntrospectorEvents>(
    event: E,
    listener: (detail: IntrospectorEvents[E]) => void,
  ): () => void
}

// A result, and for a refusal of the endpoint the error it answered (kept for logs, not stored).
interface Outcome {
  readonly entry: CachedIntrospection
  readonly cause?: Error
}

/**
 * Creates an RFC 7662 introspection client with a cache: results are kept under the
 * SHA-256 of the issuer, the endpoint, the client and the token (the token itself is never
 * a key, and introspectors sharing a store never read each other's results), active ones at most
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
  // Cold start: the first introspection should not also be the one that loads `fetch`.
  if (config.fetch === globalThis.fetch) preloadGlobalFetch()
  const events = createListeners<IntrospectorEvents>()
  const credentials = createClientCredentials(options.clientAuth, options.issuer, config.now)
  const keyOf = createCacheKey(options.issuer, options.introspectionEndpoint, options.clientAuth)
  const inflight = new Map<string, Promise<Outcome>>()
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

  async function callEndpoint(token: string): Promise<Outcome> {
    const started = config.now()
    const url = await endpointUrl()
    const auth = await credentials()
    const body = new URLSearchParams({ token, token_type_hint: 'access_token', ...auth.params })
    const answer = await fetchJsonAnswer(config.fetch, url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
      body: body.toString(),
      timeoutMs: config.timeoutMs,
      maxBytes: config.maxResponseBytes,
      acceptStatuses: [200, 400],
    })
    const now = config.now()
    const inactive = { active: false, freshUntilMs: now + config.inactiveCacheTtlMs } as const
    if (answer.status === 400) {
      // RFC 7662 §2.3: a 400 is an error of the request; when it is about the token, the
      // endpoint will not vouch for this token, which is what `active: false` says too.
      const error = tokenErrorOf(answer.body)
      if (error === undefined) throw new UpstreamError(`answered HTTP 400 at ${url}`, 'status', 400)
      events.emit('upstream', { active: false, durationMs: now - started })
      const cause = new UpstreamError(`answered HTTP 400 ${error} at ${url}`, 'status', 400)
      return { entry: inactive, cause }
    }
    const response = parseIntrospectionResponse(answer.body)
    events.emit('upstream', { active: response.active, durationMs: now - started })
    if (!response.active) return { entry: inactive }
    const exp = response.claims.exp
    const expMs = typeof exp === 'number' ? exp * 1000 : Number.POSITIVE_INFINITY
    const freshUntilMs = Math.min(now + config.cacheTtlMs, expMs)
    return { entry: { active: true, claims: response.claims, freshUntilMs } }
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

  async function lookup(key: string, token: string): Promise<Outcome> {
    const cached = await storeGet(key)
    if (cached !== undefined && config.now() < cached.freshUntilMs) return { entry: cached }
    try {
      const fresh = await callEndpoint(token)
      storeSet(key, fresh.entry)
      return fresh
    } catch (error) {
      const failure = error instanceof Error ? error : new Error('introspection failed')
      events.emit('error', { error: failure })
      const now = config.now()
      if (cached?.active === true && now < cached.freshUntilMs + config.serveStaleMs) {
        events.emit('stale', { ageMs: now - cached.freshUntilMs })
        return { entry: cached }
      }
      throw OAuthError.temporarilyUnavailable('introspection_unavailable', config.retryAfterSec, {
        cause: failure,
      })
    }
  }

  // One AuthContext per cached result, built on first use: a hit reuses it (the claims are
  // frozen once). Keyed by the entry object, so it goes when the store forgets the entry; a
  // store that hands out copies (Redis, a cloning node-cache) simply builds one per request.
  const contexts = new WeakMap<CachedIntrospection, AuthContext>()

  function answer(entry: CachedIntrospection, token: string, cause?: Error): AuthContext {
    if (!entry.active) {
      throw OAuthError.invalidToken('token_inactive', 'The access token is not active', {
        ...(cause === undefined ? {} : { cause }),
      })
    }
    try {
      checkIntrospectedClaims(entry.claims, config.rules, config.now())
    } catch (error) {
      // The operator's report says what the response claimed; the client's answer is the same.
      const { iss, aud } = entry.claims
      throw error instanceof OAuthError ? error.withReceived({ iss, aud }) : error
    }
    let context = contexts.get(entry)
    if (context === undefined) {
      const issuer = typeof entry.claims.iss === 'string' ? entry.claims.iss : options.issuer
      // A copy, frozen: the store keeps its own entry as it was given.
      context = createAuthContext(
        { claims: { ...entry.claims }, issuer, source: 'introspection' },
        token,
      )
      contexts.set(entry, context)
    }
    return context
  }

  async function ask(key: string, token: string): Promise<AuthContext> {
    let pending = inflight.get(key)
    if (pending === undefined) {
      pending = lookup(key, token).finally(() => inflight.delete(key))
      inflight.set(key, pending)
    }
    const { entry, cause } = await pending
    return answer(entry, token, cause)
  }

  function check(token: string): AuthContext | Promise<AuthContext> {
    if (typeof token !== 'string' || token.length === 0 || token.length > config.maxTokenBytes) {
      throw OAuthError.invalidToken('token_too_large', 'The access token is too large')
    }
    // The token is hashed once per request; a fresh result in a store that answers at once
    // is answered at once.
    const key = keyOf(token)
    const cached = storeGetNow(key)
    if (cached !== undefined && config.now() < cached.freshUntilMs) return answer(cached, token)
    return ask(key, token)
  }

  function storeGetNow(key: string): CachedIntrospection | undefined {
    try {
      return config.store?.getNow?.(key)
    } catch (error) {
      events.emit('store_error', { error })
      return undefined
    }
  }

  const trusted = [{ issuer: options.issuer, audiences: [...config.rules.claims.audiences] }]
  const introspect = async (token: string): Promise<AuthContext> => check(token)
  return { introspect, check, trusted, on: events.on }
}
