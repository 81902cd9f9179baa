import { DEFAULT_TEST_ALGORITHMS, isTestAlgorithm } from '../keys/algorithms.js'
import type { TestAlgorithm } from '../keys/algorithms.js'
import type { TestClient } from '../clients/test-client.js'
import type { TestIssuerOptions } from '../test-issuer.js'
import { checkKnownOptions } from './check-options.js'

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

/** Returns `alg`, or throws a RangeError when it is not a {@link TestAlgorithm}. */
export function checkAlgorithm(alg: unknown): TestAlgorithm {
  if (!isTestAlgorithm(alg)) {
    throw new RangeError(
      `@tokenguard/test-tokens: unsupported algorithm "${String(alg)}"; use RS*, PS*, ES* or EdDSA`,
    )
  }
  return alg
}

function checkText(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`@tokenguard/test-tokens: ${name} must be a non-empty string`)
  }
  return value
}
