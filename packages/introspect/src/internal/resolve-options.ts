import { createMemoryStore, type FetchLike, type Store } from '@tokenguard/core'
import {
  checkOptionNames,
  insecureUrlProblem,
  issuerProblem,
  MAX_TIMER_MS,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
} from '@tokenguard/core/internal'
import type { ClaimRules } from './check-claims.js'
import {
  INTROSPECTOR_OPTION_NAMES,
  type CachedIntrospection,
  type IntrospectorOptions,
} from '../options.js'

const PACKAGE = '@tokenguard/introspect'

/** The options of an introspector, checked, with their defaults filled in. */
export interface ResolvedOptions {
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

/**
 * Checks the options of {@link createIntrospector} once, at start-up; every mistake throws a
 * TypeError or RangeError that names the option.
 */
export function resolveOptions(options: IntrospectorOptions): ResolvedOptions {
  checkOptionNames(PACKAGE, options, INTROSPECTOR_OPTION_NAMES)
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError(
      `${PACKAGE}: issuer is required (the authorization server's issuer identifier)`,
    )
  }
  const malformed = issuerProblem(options.issuer)
  if (malformed !== undefined) {
    throw new TypeError(`${PACKAGE}: issuer "${options.issuer}" ${malformed}`)
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
