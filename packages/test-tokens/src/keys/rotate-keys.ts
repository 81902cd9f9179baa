import type { TestAlgorithm } from './algorithms.js'
import type { TestKey } from './test-key.js'
import { generateTestKey } from './test-key.js'
import { checkKnownOptions } from '../options/check-options.js'
import { checkAlgorithm } from './algorithms.js'
import type { KeyRing } from './key-ring.js'

/** Options of `TestIssuer.rotateKeys`. */
export interface RotateKeysOptions {
  /**
   * How long the replaced keys stay in the JWKS, in milliseconds of the issuer's clock
   * (`now`), so tokens they signed keep verifying; 0 removes them at once.
   * Default: 600000 (10 min).
   */
  graceMs?: number
  /** The algorithms to rotate. Default: every algorithm the issuer has a key for. */
  algorithms?: readonly TestAlgorithm[]
}

/** Default grace period of replaced keys: 10 minutes, a JWKS cache's usual max age. */
export const DEFAULT_GRACE_MS = 600_000

/**
 * Adds a fresh key for each algorithm to rotate and retires the keys it replaces at
 * `nowMs + graceMs`; resolves to the new keys, in the order of `algorithms`.
 */
export async function rotateKeys(
  ring: KeyRing,
  nowMs: number,
  options: RotateKeysOptions,
): Promise<TestKey[]> {
  checkKnownOptions('rotateKeys', options, ['graceMs', 'algorithms'])
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS
  if (typeof graceMs !== 'number' || !Number.isFinite(graceMs) || graceMs < 0) {
    throw new RangeError('@tokenguard/test-tokens: graceMs must be a non-negative number')
  }
  const algorithms: readonly TestAlgorithm[] = (options.algorithms ?? ring.algorithms()).map(
    checkAlgorithm,
  )
  const replaced = ring.keys().filter((key) => algorithms.includes(key.alg))
  const added = await Promise.all(algorithms.map((alg) => generateTestKey(alg)))
  for (const key of added) ring.add(key)
  for (const key of replaced) ring.retire(key.kid, nowMs + graceMs)
  return added
}
