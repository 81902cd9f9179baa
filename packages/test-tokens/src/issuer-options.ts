import type { TestClient } from './clients/test-client.js'
import { checkAlgorithm, DEFAULT_TEST_ALGORITHMS } from './keys/algorithms.js'
import type { TestAlgorithm } from './keys/algorithms.js'
import { checkKnownOptions } from './options/check-options.js'

/** Options of `createTestIssuer`. */
export interface TestIssuerOptions {
  /**
   * Algorithms to make a key for; the first is the default signing algorithm.
   * Default: `['RS256', 'PS256', 'ES256', 'EdDSA']`.
   */
  algorithms?: readonly TestAlgorithm[]
  /** The `iss` of minted tokens until `listen()` is called. Default: `'https://issuer.test'`. */
  issuer?: string
  /** The `aud` of minted tokens. Default: `'https://api.test'`. */
  audience?: string
  /** Lifetime of minted tokens in seconds. Default: 300 (5 min). */
  defaultExpiresInSec?: number
  /** Clock in milliseconds, for `iat`, `exp` and the end of rotated keys. Default: `Date.now`. */
  now?: () => number
  /**
   * Clients that may call `/introspect` and `/revoke`. Default: one client,
   * `DEFAULT_TEST_CLIENT` (`client_id: 'test-client'` with a 40-byte `client_secret`).
   * A given list replaces the default; pass it too when you still want it.
   */
  clients?: readonly TestClient[]
}

/** {@link TestIssuerOptions} checked, with their defaults filled in. */
export interface IssuerSettings {
  readonly configured: readonly TestAlgorithm[]
  readonly issuer: string
  readonly audience: string
  readonly defaultExpiresInSec: number
  readonly now: () => number
  /** The clients to register; `undefined` for the default client. */
  readonly clients: readonly TestClient[] | undefined
}

const ISSUER_OPTIONS = ['algorithms', 'issuer', 'audience', 'defaultExpiresInSec', 'now', 'clients']

/** Checks the options of `createTestIssuer` and fills in the defaults; throws on a mistake. */
export function resolveIssuerOptions(options: TestIssuerOptions): IssuerSettings {
  checkKnownOptions('createTestIssuer', options, ISSUER_OPTIONS)
  const defaultExpiresInSec = options.defaultExpiresInSec ?? 300
  if (!Number.isInteger(defaultExpiresInSec) || defaultExpiresInSec <= 0) {
    throw new RangeError('@tokenguard/test-tokens: defaultExpiresInSec must be a positive integer')
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') {
    throw new TypeError('@tokenguard/test-tokens: now must be a function returning milliseconds')
  }
  return {
    configured: checkAlgorithms(options.algorithms ?? DEFAULT_TEST_ALGORITHMS),
    issuer: checkText('issuer', options.issuer ?? 'https://issuer.test'),
    audience: checkText('audience', options.audience ?? 'https://api.test'),
    defaultExpiresInSec,
    now,
    clients: options.clients,
  }
}

function checkAlgorithms(value: unknown): readonly TestAlgorithm[] {
  const list: readonly unknown[] = Array.isArray(value) ? value : []
  if (list.length === 0) {
    throw new TypeError('@tokenguard/test-tokens: algorithms must be a non-empty array')
  }
  const algorithms = list.map(checkAlgorithm)
  if (new Set(algorithms).size !== algorithms.length) {
    throw new RangeError('@tokenguard/test-tokens: algorithms must not repeat')
  }
  return algorithms
}

function checkText(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`@tokenguard/test-tokens: ${name} must be a non-empty string`)
  }
  return value
}
