import { OAuthError, type FetchLike } from '@tokenguard/core'
import {
  createListeners,
  discoveredUrlProblem,
  fetchJson,
  preloadGlobalFetch,
  UpstreamError,
} from '@tokenguard/core/internal'
import { discoverJwksUri } from './internal/discovery.js'
import { resolveOptions } from './internal/jwks-options.js'
import type { PreparedKey } from './internal/prepared-key.js'
import { readKeySet } from './internal/read-key-set.js'
import { refusal, unknownKid } from './internal/refusal.js'

/** Options of {@link createJwksCache}. Give `jwksUri`, or `issuer` to discover it. */
export interface JwksCacheOptions {
  /** URL of the JWKS document. */
  jwksUri?: string
  /** Issuer whose metadata names the `jwks_uri` (OIDC Discovery, then RFC 8414). */
  issuer?: string
  /** `fetch` to use. Default: the global `fetch` (undici, with connection reuse). */
  fetch?: FetchLike
  /** Clock in milliseconds. Default: `Date.now`. */
  now?: () => number
  /** How long a fetched key set is fresh, in ms. Default: 600000 (10 min). */
  maxAgeMs?: number
  /** How long before `maxAgeMs` a background refresh starts, in ms. Default: 60000 (1 min). */
  refreshAheadMs?: number
  /** Least time between refetches for an unknown `kid`, in ms. Default: 30000 (30 s). */
  cooldownMs?: number
  /** Most JWKS fetches in any minute, whatever triggers them. Default: 10. */
  maxFetchesPerMinute?: number
  /** Timeout of each request, in ms. Default: 5000. */
  timeoutMs?: number
  /** Largest document accepted, in bytes. Default: 131072 (128 KiB). */
  maxResponseBytes?: number
  /** Most keys accepted in one JWKS. Default: 64. */
  maxKeys?: number
  /**
   * How long past `maxAgeMs` known keys keep working while the JWKS cannot be fetched,
   * in ms. Default: 3600000 (1 h).
   */
  staleIfErrorMs?: number
  /**
   * Allow `http://` URLs on hosts other than localhost. Without it, a URL found by discovery
   * must be https unless the configured issuer is itself http on localhost. Default: `false`.
   */
  allowInsecureHttp?: boolean
}

/** What started a fetch of the key set. */
export type JwksFetchTrigger = 'initial' | 'hydrate' | 'refresh_ahead' | 'expired' | 'unknown_kid'

/** Events a {@link JwksCache} reports, for metrics and logs. */
export interface JwksCacheEvents {
  /** A key set was fetched and installed. */
  refresh: {
    trigger: JwksFetchTrigger
    keyCount: number
    skippedCount: number
    /** Each key of the set that is not used, by `kid`, and why (`'RSA exponent is even'`, ...). */
    skipped: readonly SkippedKey[]
    durationMs: number
  }
  /** A fetch failed; the keys in hand (if any) stay in use within `staleIfErrorMs`. */
  error: { trigger: JwksFetchTrigger; error: Error }
  /** A token named a `kid` the key set does not hold. */
  unknown_kid: { refetched: boolean }
}

/** A key of a JWKS that is not used for verifying, and why. */
export interface SkippedKey {
  /** The key's `kid`, when it is a short string. */
  readonly kid: string | undefined
  /** Why the key is not used, e.g. `'RSA modulus under 2048 bits'`. */
  readonly reason: string
}

/** A cached, self-refreshing JWKS. Build one per issuer and share it. */
export interface JwksCache {
  /** The JWKS URL once known (configured, or discovered). */
  readonly jwksUri: string | undefined
  /**
   * The key for `kid` that may verify `alg`: at once when cached, after one shared fetch
   * when not. Throws {@link OAuthError} 401 (`unknown_kid`, `alg_not_allowed`) or 503
   * (`jwks_unavailable`).
   */
  getKey(kid: string | undefined, alg: string): PreparedKey | Promise<PreparedKey>
  /**
   * True while `key` is in the current key set and that set is usable; starts a background
   * refresh when the set is due, so callers that cache results still see rotations.
   */
  isCurrent(key: PreparedKey): boolean
  /** Fetches the key set now (warm-up at start-up); rejects when it cannot be fetched. */
  hydrate(): Promise<void>
  /** The keys of the current set. */
  keys(): readonly PreparedKey[]
  /** Listens to an event; returns a function that stops listening. */
  on<E extends keyof JwksCacheEvents>(
    event: E,
    listener: (detail: JwksCacheEvents[E]) => void,
  ): () => void
}

const MINUTE_MS = 60_000

/**
 * Creates a JWKS cache: keys fetched once and shared, refreshed in the background before
 * they expire, refetched for an unknown `kid` at most once per cooldown and within a
 * fetch budget, one fetch in flight at a time, and known keys kept through an outage for
 * a bounded time. Keys that leave the set stop being trusted at the next successful fetch.
 *
 * @example
 * const jwks = createJwksCache({ issuer: 'https://login.example.com' })
 * await jwks.hydrate()
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const config = resolveOptions(options)
  // Cold start: the first fetch should not also be the one that loads `fetch` itself.
  if (config.fetch === globalThis.fetch) preloadGlobalFetch()
  const events = createListeners<JwksCacheEvents>()
  const emit = events.emit
  let jwksUri = options.jwksUri
  let byKid = new Map<string, PreparedKey[]>()
  let current = new Set<PreparedKey>()
  let fetchedAt: number | undefined
  let lastAttemptAt = Number.NEGATIVE_INFINITY
  let lastFailedAt: number | undefined
  let inflight: Promise<void> | undefined
  const fetchTimes: number[] = []

  function withinBudget(now: number): boolean {
    while (fetchTimes.length > 0 && (fetchTimes[0] ?? 0) <= now - MINUTE_MS) fetchTimes.shift()
    return fetchTimes.length < config.maxFetchesPerMinute
  }

  async function load(trigger: JwksFetchTrigger): Promise<void> {
    const started = config.now()
    if (jwksUri === undefined) {
      jwksUri = await discoverJwksUri(options.issuer ?? '', {
        fetch: config.fetch,
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
      })
      const problem = discoveredUrlProblem(jwksUri, options.issuer ?? '', config.allowInsecureHttp)
      if (problem !== undefined) {
        jwksUri = undefined
        throw new UpstreamError(`the discovered jwks_uri ${problem}`, 'invalid')
      }
    }
    const document = await fetchJson(config.fetch, jwksUri, {
      timeoutMs: config.timeoutMs,
      maxBytes: config.maxResponseBytes,
    })
    const { keys, skipped } = readKeySet(document, config.maxKeys, byKid)
    install(keys)
    fetchedAt = config.now()
    lastFailedAt = undefined
    emit('refresh', {
      trigger,
      keyCount: keys.length,
      skippedCount: skipped.length,
      skipped,
      durationMs: fetchedAt - started,
    })
  }

  function install(keys: PreparedKey[]): void {
    const next = new Map<string, PreparedKey[]>()
    for (const key of keys) {
      const slot = key.kid ?? ''
      next.set(slot, [...(next.get(slot) ?? []), key])
    }
    byKid = next
    current = new Set(keys)
  }

  /** Starts a fetch unless one is in flight, the budget is spent, or errors ask to wait. */
  function refresh(trigger: JwksFetchTrigger): Promise<void> | undefined {
    if (inflight !== undefined) return inflight
    const now = config.now()
    if (lastFailedAt !== undefined && now - lastFailedAt < config.errorBackoffMs) return undefined
    if (!withinBudget(now)) return undefined
    fetchTimes.push(now)
    lastAttemptAt = now
    inflight = load(trigger)
      .catch((error: unknown) => {
        lastFailedAt = config.now()
        const failure = error instanceof Error ? error : new Error('JWKS fetch failed')
        emit('error', { trigger, error: failure })
        throw failure
      })
      .finally(() => {
        inflight = undefined
      })
    return inflight
  }

  function unavailable(cause?: unknown): OAuthError {
    const waitMs = (lastFailedAt ?? config.now()) + config.errorBackoffMs - config.now()
    return OAuthError.temporarilyUnavailable('jwks_unavailable', waitMs / 1000, { cause })
  }

  function lookup(kid: string | undefined, alg: string): PreparedKey | undefined {
    const candidates = kid === undefined ? current : byKid.get(kid)
    if (candidates === undefined) return undefined
    let found: PreparedKey | undefined
    let seen = 0
    for (const key of candidates) {
      seen++
      if (!key.algorithms.has(alg)) continue
      // Two keys that could both have signed: the token must say which (RFC 7515 §4.1.4).
      if (found !== undefined) {
        throw refusal('unknown_kid', 'The token does not say which key signed it')
      }
      found = key
    }
    if (found === undefined && seen > 0) {
      throw refusal('alg_not_allowed', 'The token algorithm does not fit its key')
    }
    return found
  }

  function afterFetch(kid: string | undefined, alg: string, fetching: Promise<void>) {
    return fetching.then(
      () => {
        const key = lookup(kid, alg)
        if (key === undefined) throw unknownKid()
        return key
      },
      (error: unknown) => {
        throw unavailable(error)
      },
    )
  }

  function refreshInBackground(age: number): void {
    if (age >= config.maxAgeMs - config.refreshAheadMs) {
      refresh(age >= config.maxAgeMs ? 'expired' : 'refresh_ahead')?.catch(() => undefined)
    }
  }

  function isCurrent(key: PreparedKey): boolean {
    if (!current.has(key) || fetchedAt === undefined) return false
    // Results verified earlier lean on this check alone, so it keeps the key set fresh too:
    // a key removed from the JWKS stops working within the max age even for cached tokens.
    const age = config.now() - fetchedAt
    if (age >= config.maxAgeMs + config.staleIfErrorMs) return false
    refreshInBackground(age)
    return true
  }

  function getKey(kid: string | undefined, alg: string): PreparedKey | Promise<PreparedKey> {
    const now = config.now()
    const age = fetchedAt === undefined ? Number.POSITIVE_INFINITY : now - fetchedAt
    const usable = age < config.maxAgeMs + config.staleIfErrorMs
    if (!usable) {
      const fetching = refresh(fetchedAt === undefined ? 'initial' : 'expired')
      if (fetching === undefined) throw unavailable()
      return afterFetch(kid, alg, fetching)
    }
    refreshInBackground(age)
    const key = lookup(kid, alg)
    if (key !== undefined) return key
    // A fetch under way may bring this key (a rotation seen by a slow refetch): share it.
    if (inflight !== undefined) return afterFetch(kid, alg, inflight)
    // RFC 8725 §3.10 spirit: an unknown kid may be a rotated key, but a flood of them must
    // not turn into a flood of fetches: one per cooldown, within the budget.
    const cooled = now - lastAttemptAt >= config.cooldownMs
    const fetching = cooled ? refresh('unknown_kid') : undefined
    emit('unknown_kid', { refetched: fetching !== undefined })
    if (fetching !== undefined) return afterFetch(kid, alg, fetching)
    if (lastFailedAt !== undefined) throw unavailable()
    throw unknownKid()
  }

  return {
    get jwksUri() {
      return jwksUri
    },
    getKey,
    isCurrent,
    hydrate: () => {
      const fetching = refresh('hydrate') ?? inflight
      return (
        fetching ??
        Promise.reject(
          new UpstreamError(
            'JWKS fetch skipped: the fetch budget is spent or an error backoff is running',
            'invalid',
          ),
        )
      )
    },
    keys: () => [...current],
    on: events.on,
  }
}
