import type { FetchLike } from '@tokenguard/core'
import {
  checkOptionNames,
  insecureUrlProblem,
  issuerProblem,
  MAX_TIMER_MS,
  nonNegativeNumber,
  optionNames,
  positiveInteger,
  positiveNumber,
} from '@tokenguard/core/internal'
import type { JwksCacheOptions } from '../jwks-cache.js'

const PACKAGE = '@tokenguard/jwt-verify'
const ERROR_BACKOFF_MS = 5_000
const JWKS_OPTION_NAMES = optionNames<JwksCacheOptions>()([
  'jwksUri',
  'issuer',
  'fetch',
  'now',
  'maxAgeMs',
  'refreshAheadMs',
  'cooldownMs',
  'maxFetchesPerMinute',
  'timeoutMs',
  'maxResponseBytes',
  'maxKeys',
  'staleIfErrorMs',
  'allowInsecureHttp',
])

/** The options of a JWKS cache, checked, with their defaults filled in. */
export interface ResolvedJwksOptions {
  fetch: FetchLike
  now: () => number
  maxAgeMs: number
  refreshAheadMs: number
  cooldownMs: number
  maxFetchesPerMinute: number
  timeoutMs: number
  maxResponseBytes: number
  maxKeys: number
  staleIfErrorMs: number
  errorBackoffMs: number
  allowInsecureHttp: boolean
}

/**
 * Checks the options of `createJwksCache` once, at start-up; every mistake throws a TypeError
 * or RangeError that names the option.
 */
export function resolveOptions(options: JwksCacheOptions): ResolvedJwksOptions {
  checkOptionNames(PACKAGE, options, JWKS_OPTION_NAMES)
  if (options.jwksUri === undefined && options.issuer === undefined) {
    throw new TypeError(`${PACKAGE}: give jwksUri, or issuer to discover it`)
  }
  const malformed = options.issuer === undefined ? undefined : issuerProblem(options.issuer)
  if (malformed !== undefined) {
    throw new TypeError(`${PACKAGE}: issuer "${options.issuer}" ${malformed}`)
  }
  const allowInsecureHttp = options.allowInsecureHttp ?? false
  for (const name of ['jwksUri', 'issuer'] as const) {
    const url = options[name]
    if (url === undefined) continue
    const problem = insecureUrlProblem(url, allowInsecureHttp)
    if (problem !== undefined) throw new TypeError(`${PACKAGE}: ${name} "${url}" ${problem}`)
  }
  const cooldownMs = nonNegativeNumber(PACKAGE, 'cooldownMs', options.cooldownMs, 30_000)
  const maxAgeMs = positiveNumber(PACKAGE, 'maxAgeMs', options.maxAgeMs, 600_000, MAX_TIMER_MS)
  const refreshAheadMs = nonNegativeNumber(
    PACKAGE,
    'refreshAheadMs',
    options.refreshAheadMs,
    60_000,
  )
  if (refreshAheadMs >= maxAgeMs) {
    throw new RangeError(`${PACKAGE}: refreshAheadMs must be smaller than maxAgeMs`)
  }
  return {
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
    maxAgeMs,
    refreshAheadMs,
    cooldownMs,
    maxFetchesPerMinute: positiveInteger(
      PACKAGE,
      'maxFetchesPerMinute',
      options.maxFetchesPerMinute,
      10,
    ),
    timeoutMs: positiveNumber(PACKAGE, 'timeoutMs', options.timeoutMs, 5_000, MAX_TIMER_MS),
    maxResponseBytes: positiveInteger(
      PACKAGE,
      'maxResponseBytes',
      options.maxResponseBytes,
      131_072,
    ),
    maxKeys: positiveInteger(PACKAGE, 'maxKeys', options.maxKeys, 64),
    staleIfErrorMs: nonNegativeNumber(PACKAGE, 'staleIfErrorMs', options.staleIfErrorMs, 3_600_000),
    errorBackoffMs: Math.min(cooldownMs, ERROR_BACKOFF_MS),
    allowInsecureHttp,
  }
}
